"""Shaping PERSON spans: trim titles and stray words, extend a partial NER hit to the whole name, and keep
single-word names only where the text shows they are a person's."""

from __future__ import annotations

import re
import unicodedata

from privacy.first_names import SAINT_WORDS, follows_saint
from privacy.recognizers.person import ALIAS_WORDS, TITLES

_TITLE_PREFIX = re.compile(
    r"^(?:(?:" + "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True)) + r")(?:\s+|(?<=\.)))+"
)
_TITLE_BEFORE = re.compile(
    r"(?<![\w.])(?:" + "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True)) + r")\s+$"
)
_EDGE = " \t\n\r.,;:!?()[]{}«»\"“”'’-–—*_#|/"
_NAME_LIKE = re.compile(r"[^\W\d_]{2,}")
_NOT_A_NAME = frozenset(
    {"le", "la", "les", "l'", "l’", "un", "une", "ce", "cette", "the", "a", "el", "der", "die", "das"}
) | {t.casefold() for t in TITLES}
PARTICLES = frozenset({"de", "du", "des", "d'", "d’", "le", "la", "les", "van", "von", "der", "den", "da", "di"})
#: Lower-case words a name may hold (``Jean de la Fontaine``, ``María del Carmen``, ``Mohamed el Amrani``).
NAME_PARTICLES = PARTICLES | frozenset(
    {"del", "della", "dello", "dei", "degli", "dos", "das", "do", "y", "i", "e", "ten", "ter", "te", "zu", "vom",
     "zum", "zur", "bin", "ben", "el", "al", "af", "av", "op", "het", "'t", "lo", *ALIAS_WORDS}
)  # fmt: skip
_TRAILING_STOP = frozenset({"de", "du", "des", "d'", "d’", "le", "la", "les", "chez", "et", "von", "van", "of", "y"})
_CAPITALISED = r"\p{Lu}[\p{L}'’]*(?:-\p{Lu}[\p{L}'’]*)*"
_NEXT_WORD = re.compile(
    r"(?:-\w[\w'’]*)+|[ ](?:(?:de|du|van|von|de la|le|la|Le|La|Van|De|d['’])[ ]?)?[A-ZÀ-Ý][\w'’]*(?:-[A-ZÀ-Ý][\w'’]*)*"
)
_PREV_WORD = re.compile(r"(?:(?<![\w.])[A-ZÀ-Ý]\.|[A-ZÀ-Ý][\w'’]*(?:-[A-ZÀ-Ý][\w'’]*)*)[ ]$")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n(\[•*#|-]\s*)$")


def clean_person(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim a PERSON span: a field label up to its colon, civility titles, leading lower-case words that are not
    particles (``salle``) and identifier label words (``Customer``, ``Member ID``), punctuation and particles at
    the edges. None when what is left is not name-like
    (digits, ``@``, no capital letter)."""
    span = text[start:end]
    label = span.rfind(":")
    if label >= 0 and _NAME_LIKE.search(span[label + 1 :]):  # "Adresse : Josephhof", "Contact : Jean Dupont": a
        # field's label is no part of a name; a colon that ends the span ("Kirsty Ball:") is only trimmed
        start += label + 1
        span = text[start:end]
    title = _TITLE_PREFIX.match(span)
    if title and title.end() < len(span):
        start += title.end()
    while start < end and text[start] in _EDGE:
        start += 1
    while True:
        first = text[start:end].split(" ", 1)
        lower = first[0].islower() and first[0] not in PARTICLES
        if len(first) == 2 and (lower or first[0].strip(".:").upper() in _LABEL_WORDS):
            start += len(first[0]) + 1
            continue
        break
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    words = text[start:end].split()
    while len(words) > 1 and words[-1].casefold() in _TRAILING_STOP:
        end = start + text[start:end].rstrip().rindex(words.pop())
        while end > start and text[end - 1] in _EDGE:
            end -= 1
    span = text[start:end]
    if not span or any(c.isdigit() or c == "@" for c in span) or not _NAME_LIKE.search(span):
        return None
    if all(w.casefold() in _NOT_A_NAME for w in span.split()):  # "Le monsieur", "La Madame": no one is named
        return None
    if not any(w[:1].isupper() or elided_particle(w) for w in span.split()):  # "d'Ormesson" alone after a title
        return None
    return start, end


def extend_person(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a name the model cut short: over hyphenated parts and the next capitalised word on the right
    (``Frédéric`` -> ``Frédéric-Philippe Lefort``), over initials and up to two capitalised words on the left
    unless that word starts the sentence (``Roth`` -> ``Heather Roth``, ``Cummings`` -> ``Crystal M. Cummings``)."""
    grown = 0
    while grown < 2:
        match = _NEXT_WORD.match(text, end)
        if not match:
            break
        end = match.end()
        grown += 1
    grown = 0
    while grown < 3:
        match = _PREV_WORD.search(text[max(0, start - 40) : start])
        if not match:
            break
        new_start = start - (len(text[max(0, start - 40) : start]) - match.start())
        if _SENTENCE_START.search(text[max(0, new_start - 3) : new_start]) and text[new_start + 1] != ".":
            break
        start = new_start
        grown += 1
    return start, end


def has_title(text: str, start: int, name_start: int) -> bool:
    """True when a civility title stands between ``start`` and ``name_start`` or right before ``start``."""
    if _TITLE_PREFIX.match(text[start:name_start]):
        return True
    match = _TITLE_BEFORE.search(text[max(0, start - 14) : start])
    if not match:
        return False
    title_start = start - (min(start, 14) - match.start())
    previous = text[max(0, title_start - 30) : title_start].split()
    initial = len(match.group(0).strip().rstrip(".")) == 1  # "M." may be an initial, "Monsieur" may not
    after_word = bool(previous) and previous[-1][:1].isupper() and not previous[-1].endswith((".", "!", "?", ":"))
    return not (initial and after_word)  # "Crystal M. Cummings": an initial, not "M."; "Paris. M. Roy": a title


def is_single_word(text: str, start: int, end: int) -> bool:
    return len(text[start:end].split()) == 1  # "Lyon", "Villeneuve-d'Ascq", a lone "Jean-Baptiste"


def named_elsewhere(word: str, names: list[str]) -> bool:
    """True when ``word`` is one of the words of a multi-word name found in the same text."""
    folded = word.casefold()
    return any(folded in (w.casefold() for w in re.split(r"[\s-]+", n)) for n in names if " " in n)


_LEGAL_FORMS = frozenset({"SA", "SAS", "SASU", "SARL", "EURL", "SNC", "GMBH", "AG", "KG", "LTD", "LLC", "INC", "PLC",
                          "SL", "SRL", "SPA", "BV", "NV"})  # fmt: skip
_NOT_IN_NAMES = frozenset({"ET", "OU", "AND", "UND", "RUE", "COURS", "AVENUE", "BOULEVARD", "PLACE", "CHEMIN"})
#: Words of identifier labels: a span holding one is a field ("Member ID RC 5388037"), not a name.
_LABEL_WORDS = frozenset({"ID", "NR", "NO", "N°", "Nº", "NUMBER", "NUMÉRO", "NUMERO", "NUMMER", "NÚMERO", "MEMBER",
                          "MEMBERSHIP", "CUSTOMER", "ACCOUNT", "CARD", "CARTE", "KARTE", "TARJETA", "IBAN", "SIRET",
                          "SIREN", "TVA", "VAT", "REF", "RÉF"})  # fmt: skip


def implausible_name(text: str, start: int, end: int) -> bool:
    """Spans the models tag PERSON that are not names: across a line, a table cell or a dash between fields,
    inside markup, a product name in French quotes (``« Nuit Étoilée »``, the chain's naming rule), a company
    (legal form inside or right after), capitals with function words (``ET D'AJACCIO COURS``), a lower-case word
    that is no particle (``Adriano Rossi è conservata``), a place named after a saint (``Saint Martin``)."""
    span = text[start:end]
    if any(c in span for c in "\n|<>[]{}—–") or text[max(0, start - 2) : start].strip() == "«":
        return True
    words = span.split()
    if (len(words) > 1 and words[0].casefold() in SAINT_WORDS) or follows_saint(text, start):
        return True  # "Saint Martin", "Santa Maria In Strada", "Sant'Angelo In Grotte": places
    if any(w[:1].islower() and not name_particle(w) for w in words[1:]):
        return True
    after = text[end : end + 8].replace(".", "").split()
    upper = {w.strip(".,'’").upper() for w in span.replace("'", " ").split()}
    if upper & _LEGAL_FORMS or (after and after[0].strip(",;)").upper() in _LEGAL_FORMS):
        return True
    return span.isupper() and bool(upper & _NOT_IN_NAMES)


def name_particle(word: str) -> bool:
    """A lower-case word a name may hold: a particle or alias word (``van``, ``genannt``), one joined to the
    surname by a hyphen (``van-Weitzel``), an elided one (``d'Ormesson``)."""
    folded = word.casefold()
    return folded in NAME_PARTICLES or folded.split("-", maxsplit=1)[0] in NAME_PARTICLES or elided_particle(word)


def elided_particle(word: str) -> bool:
    """``d'Ormesson``, ``d’Alembert``, ``l'Estrange``: a particle elided before a capitalised surname."""
    return len(word) > 2 and word[0] in "dlDL" and word[1] in "'’" and word[2].isupper()


def names_from_emails(text: str, emails: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Where ``First Last`` occurs in ``text`` for an e-mail ``first.last@...`` (accents and case ignored,
    either order): names the model missed next to their own address."""
    found: list[tuple[int, int]] = []
    folded = _fold(text)
    for start, end in emails:
        parts = [p for p in re.split(r"[._\-]", text[start:end].split("@", 1)[0]) if p.isalpha() and len(p) > 1]
        if len(parts) < 2:
            continue
        for words in (parts, parts[::-1]):
            pattern = r"(?<!\w)" + r"[\s-]+".join(re.escape(w.lower()) for w in words) + r"(?!\w)"
            for match in re.finditer(pattern, folded):
                if text[match.start()].isupper():
                    found.append(match.span())
    return found


def other_mentions(text: str, names: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Every other occurrence in ``text`` of a multi-word name already found (accents and case ignored)."""
    folded = _fold(text)
    out: list[tuple[int, int]] = []
    for name in {_fold(text[s:e]) for s, e in names if " " in text[s:e].strip()}:
        out += [m.span() for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", folded)]
    return out


def _fold(text: str) -> str:
    """Lower-case without accents, same length as ``text`` (offsets stay valid)."""
    return "".join(strip_one(c) for c in text.lower())


def strip_one(char: str) -> str:
    base = unicodedata.normalize("NFKD", char)[:1]
    return base if base else char
