"""Question anchors: the figures and names a question is about, and whether the passage behind a figure of an
answer mentions them.

The relevance check (:mod:`assistant.answering.decision`) does not refuse as off-topic an answer whose figure was
found in a passage naming every anchor of the question (an amount in the line of the incident report that names the
store and the month asked about), whatever words the model put around it.

- Anchors: the years the question names ("2024"), its pseudonym tokens (``<PERSON_…>``), its proper names and
  acronyms (capitalised words that do not start a sentence: "Annecy", "Saint-Priest", "PDV"). Other numbers of a
  question are not anchors: documents restate bounds ("beyond the 43rd hour" is "from the 44th hour" in the pay
  grid).
- Names are required only from blocks in the question's language ("Gênes" is "Genoa" in English), and are
  not taken from German questions, where every noun is capitalised. A block in the language of a translation of
  the question (searched too, :mod:`assistant.answering.translation`) is held to the translation's anchors.
- The passage of a figure: its sentence (or list item) and the one before it, which often names what it is about
  ("In Genoa:"); for a table row, the row, the header row of its table and the line above the table (its
  caption); plus the block's title in every case. Besides, the names (not the years, nor the pseudonyms) of its
  document's opening, when the context holds it: a document's first chunk says what the whole document is about.
- Years in a table's header: where the header row dates its columns ("Tarif 2023 | Tarif 2024"), a figure of a
  row answers for the question's year only from that year's column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answering.claims import numbers
from assistant.answering.lexical import content_terms
from assistant.core.text import fold, split_sentences
from assistant.core.tokens import TOKEN_PATTERN, tokens_in

_MARKER = re.compile(r"\[\d+\]")
_WORD = re.compile(TOKEN_PATTERN.pattern + r"|[^\W\d_][\w'’-]*|[.!?:;]")  # pseudonym, word or sentence stop
_NO_NAMES = frozenset({"de"})  # languages that capitalise common nouns
_YEAR = re.compile(r"(?:19|20)\d\d")


def _plain(text: str) -> str:
    """``text`` without citation markers and pseudonym tokens (whose hex digits are no figures)."""
    return TOKEN_PATTERN.sub(" ", _MARKER.sub(" ", text))


def figures(text: str) -> set[str]:
    """Numbers of ``text``, leaving out citation markers and the hex digits of pseudonym tokens."""
    return numbers(_plain(text))


_ASKS_FIGURE = re.compile(
    r"\b(?:combien|quel(?:le)?s? (?:est (?:le|la) )?(?:montant|prix|delai|taux|nombre|duree|somme|pourcentage|"
    r"salaire|budget|cout|tarif|remise|hausse|augmentation|perte|plafond)|a partir de quel|jusqu'a quel|"
    r"how (?:many|much|long)|what (?:amount|price|percentage|discount)|up to what|cuant[oa]s?|que precio|"
    r"wie (?:viel|viele|lange)|welche[rs]? (?:betrag|preis|zahlungsziel))\b"
)


def asks_for_figure(question: str) -> bool:
    """Whether ``question`` asks for an amount, a count or a duration ("Combien…", "How many…", "Quel montant…"):
    a sentence quoted as its answer must then state a figure the question did not give."""
    return bool(_ASKS_FIGURE.search(fold(question)))


def _names(question: str, language: str) -> frozenset[str]:
    found = tokens_in(question)
    if language in _NO_NAMES:
        return frozenset(found)
    starts_sentence = True
    for match in _WORD.finditer(question):
        word = match.group(0)
        if word in ".!?:;":
            starts_sentence = True
            continue
        if not TOKEN_PATTERN.fullmatch(word) and word[0].isupper() and not starts_sentence:
            found |= content_terms(word)
        starts_sentence = False
    return frozenset(found)


@dataclass(frozen=True)
class Anchors:
    numbers: frozenset[str]  # years
    names: frozenset[str]  # content terms of the names (accent-folded, stemmed), pseudonym tokens as written
    language: str

    @classmethod
    def of(cls, question: str, language: str) -> Anchors:
        years = frozenset(n for n in figures(question) if _YEAR.fullmatch(n))
        return cls(years, _names(question, language), language)

    def __bool__(self) -> bool:
        return bool(self.numbers or self.names)

    def required_names(self, same_language: bool) -> frozenset[str]:
        """The names a passage must hold: all of them in the question's language, else its pseudonym tokens."""
        return self.names if same_language else frozenset(n for n in self.names if TOKEN_PATTERN.fullmatch(n))

    def new_figures(self, sentence: str) -> set[str]:
        """The figures a sentence states that the question did not give (what must be anchored)."""
        return figures(sentence) - self.numbers


@dataclass(frozen=True)
class Applied:
    """The anchors one block is checked against, and whether their names apply there (else only the years and
    pseudonym tokens do)."""

    anchors: Anchors
    same_language: bool

    @property
    def applies(self) -> bool:
        """Something is checked: a figure found there is then confirmed as being about the question."""
        return bool(self.anchors.numbers or self.anchors.required_names(self.same_language))


@dataclass(frozen=True)
class Passage:
    """One sentence or table row of a block (``own``: its figures) and its surroundings, for the anchor check."""

    text: str
    own: frozenset[str]
    numbers: frozenset[str]
    terms: frozenset[str]
    header: str = ""  # a table row's header row (what its columns are)
    scope: frozenset[str] = frozenset()  # names of its document's opening: they vouch for names, not for figures
    cells: tuple[tuple[frozenset[str], frozenset[str]], ...] = ()  # a table row's (figures, header years) per column

    def dated(self, figure: str, anchors: Anchors) -> bool | None:
        """Whether ``figure`` stands in this table row under a column headed with the question's years (True) or
        only under columns headed with other years (False: a price under "Tarif 2023" when 2024 is asked and the
        table has a 2024 column); None when that does not apply (not its figure, no column headed
        with a year of the question, the figure only in undated columns)."""
        headed = frozenset().union(*(years for _, years in self.cells))
        asked = anchors.numbers & headed
        under = [years for cell, years in self.cells if figure in cell and years]
        if figure not in self.own or not asked or not under:
            return None
        return any(asked <= years for years in under)

    def states(self, found: set[str], anchors: Anchors) -> bool:
        """Whether one of the figures ``found`` is this passage's own, and not only under another year's column."""
        return any(f in self.own and self.dated(f, anchors) is not False for f in found)

    def holds(self, anchors: Anchors, same_language: bool) -> bool:
        if not anchors.numbers <= self.numbers:
            return False
        return anchors.required_names(same_language) <= self.terms | self.scope


def passages(text: str, title: str = "", scope: str = "") -> list[Passage]:
    """One :class:`Passage` per sentence (prose) or row (table) of a block's text; ``scope``: the opening of the
    block's document when the context holds it (where the minutes of a negotiation name the supplier's factory whose
    price table comes three sections later)."""
    scope_terms = frozenset(content_terms(scope))
    units: list[tuple[int, str, bool]] = []  # (line, text, is a table row)
    for number, line in enumerate(text.split("\n")):
        if " | " in line:
            units.append((number, line.strip(), True))
        else:
            units.extend((number, s, False) for s in split_sentences(line))
    out = []
    for index, (_, unit, row) in enumerate(units):
        header = ""
        if row:
            first = index
            while first > 0 and units[first - 1][2] and units[first - 1][0] == units[first][0] - 1:
                first -= 1
            around: Sequence[str] = [u[1] for u in units[max(0, first - 1) : first + 1]] + [unit]
            header = units[first][1] if first != index else ""
        else:
            around = [u[1] for u in units[max(0, index - 1) : index + 1]]
        window = " ".join([*around, title])
        terms = frozenset(content_terms(window) | tokens_in(window))
        cells = _columns(unit, header)
        out.append(
            Passage(unit, frozenset(figures(unit)), frozenset(figures(window)), terms, header, scope_terms, cells)
        )
    return out


def _columns(row: str, header: str) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """(figures of the cell, years of its header cell) for each column of a table row; () when the row has no
    header row of as many cells."""
    cells, heads = row.split(" | "), header.split(" | ")
    if not header or len(cells) != len(heads):
        return ()
    return tuple(
        (frozenset(figures(cell)), frozenset(n for n in figures(head) if _YEAR.fullmatch(n)))
        for cell, head in zip(cells, heads, strict=True)
    )


def anchored(sentence: str, anchors: Anchors, block: Sequence[Passage], same_language: bool) -> bool:
    """True when ``sentence`` states no new figure, or when a passage of ``block`` holding one of its new figures
    also holds every anchor of the question."""
    new = anchors.new_figures(sentence) if anchors else set()
    if not new:
        return True
    return any(p.states(new, anchors) and p.holds(anchors, same_language) for p in block)
