"""Citation markers in generated text: parsed, checked against the numbered context, renumbered for display.

The model is asked to cite context blocks as ``[n]``; small models also write ``[1, 2]``, ``[1-2]``, ``[Document
1]``, put the marker after the full stop, or forget it. Markers are parsed leniently here; whether a cited block
really supports its sentence is decided by :mod:`assistant.answering.grounding`, never trusted from the model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.core.text import split_sentences

MARKER = re.compile(
    r"\[\s*(?:(?:doc(?:ument)?|source|context[e]?|r[ée]f\.?|ref\.?)\s*)?"
    r"(\d{1,3}(?:\s*(?:[,;]|[-–]|and|et)\s*\d{1,3})*)\s*\]",
    re.IGNORECASE,
)
_MARKERS_AFTER_STOP = re.compile(rf"([.!?…])((?:\s*{MARKER.pattern})+)", re.IGNORECASE)
_SOURCES_LINE = re.compile(r"^\W*(sources?|r[ée]f[ée]rences?|references?|quellen|fuentes|fonti)\W*:", re.IGNORECASE)
_TRAILING_STOP = re.compile(r"\s*([.!?…:;]*)\s*$")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
# A marker standing where the value should be: "est de [3] € brut", "are [1]." (small models do this)
_UNITS = (
    r"€|\$|£|%|CHF\b|EUR\b|euros?\b|jours?\b|days?\b|d[ií]as?\b|tage?n?\b|heures?\b|hours?\b|horas?\b"
    r"|stunden?\b|mois\b|months?\b|mes(?:es)?\b|monate?n?\b|semaines?\b|weeks?\b|ans\b|years?\b|points?\b"
    # a month after the marker: the day was replaced ("by [2] March", "avant le [1] mai", "el [3] de mayo")
    r"|(?:de\s+)?(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre"
    r"|january|february|march|april|may|june|july|august|september|october|november|december"
    r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
    r"|januar|februar|m[äa]rz|juni|juli|oktober|dezember)\b"
)
_MARKER_AS_VALUE = re.compile(rf"(?:{MARKER.pattern})\s*(?:{_UNITS})", re.IGNORECASE)
_DANGLING = frozenset(
    {"de", "des", "du", "d", "à", "a", "au", "aux", "est", "sont", "le", "la", "les", "un", "une", "en", "pour"}
    | {"par", "of", "is", "are", "was", "were", "the", "an", "to", "for", "at", "in", "von", "ist", "sind", "der"}
    | {"die", "das", "zu", "el", "los", "las", "es", "son", "del", "por", "para", "di", "il", "è"}
)


def cited_numbers(text: str) -> list[int]:
    """Every block number cited in ``text``, in order, ranges expanded (``[1-3]`` -> 1, 2, 3)."""
    out: list[int] = []
    for match in MARKER.finditer(text):
        for part in re.split(r"\s*(?:[,;]|and|et)\s*", match.group(1), flags=re.IGNORECASE):
            bounds = [int(n) for n in re.split(r"\s*[-–]\s*", part) if n]
            if len(bounds) == 2 and 0 < bounds[1] - bounds[0] < 10:
                out.extend(range(bounds[0], bounds[1] + 1))
            else:
                out.extend(bounds)
    return out


def strip_markers(text: str) -> str:
    return " ".join(MARKER.sub(" ", text).split()).replace(" .", ".").replace(" ,", ",")


def move_markers_before_stops(text: str) -> str:
    """``...30 jours. [1] Les...`` -> ``...30 jours [1]. Les...`` so sentence splitting keeps a marker with its
    sentence instead of the next one."""
    return _MARKERS_AFTER_STOP.sub(lambda m: f" {m.group(2).strip()}{m.group(1)}", text)


@dataclass(frozen=True)
class Piece:
    """One sentence of generated text: where it sits and what it cites."""

    line: int
    bullet: str
    text: str  # without markers
    cited: tuple[int, ...]
    unfinished: bool = False  # a marker stands for the value ("est de [3] €"), or it ends on "de", "are"...


def split_pieces(text: str, first_line: int = 0) -> list[Piece]:
    """Sentences of generated text, line by line (list items stay items); lines that only list sources vanish."""
    pieces = []
    for offset, line in enumerate(move_markers_before_stops(text).split("\n")):
        if not line.strip() or _SOURCES_LINE.match(line):
            continue
        bullet_match = _BULLET.match(line)
        bullet = bullet_match.group(0).strip() + " " if bullet_match else ""
        body = line[bullet_match.end() :] if bullet_match else line
        for sentence in split_sentences(body):
            clean = strip_markers(sentence)
            if re.search(r"\w", clean):
                cited = tuple(cited_numbers(sentence))
                pieces.append(Piece(first_line + offset, bullet, clean, cited, unfinished(sentence, clean)))
            bullet = ""  # only the first sentence of an item carries the bullet
    return pieces


def unfinished(sentence: str, clean: str) -> bool:
    """The sentence states no value: a citation marker sits in the value's place (``est de [3] € brut``) or,
    markers removed, it stops on a function word (``The opening hours are [1].``)."""
    if _MARKER_AS_VALUE.search(sentence):
        return True
    last = re.findall(r"[^\W\d_]+|\d+", clean.lower())
    return bool(last) and last[-1] in _DANGLING and clean.rstrip()[-1:] not in ("?", "!")


def with_markers(sentence: str, numbers: Sequence[int]) -> str:
    """``Le client a 30 jours.`` + [1, 2] -> ``Le client a 30 jours [1][2].``"""
    if not numbers:
        return sentence
    match = _TRAILING_STOP.search(sentence)
    stop = match.group(1) if match else ""
    body = sentence[: match.start()] if match else sentence
    return body + " " + "".join(f"[{n}]" for n in numbers) + stop


@dataclass
class CitedText:
    """Kept sentences with display numbers: the first block cited becomes [1], the next new one [2]..."""

    lines: dict[int, list[str]] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)  # block indexes in display order

    def add(self, piece: Piece, blocks: Sequence[int]) -> str:
        """Append one kept sentence citing ``blocks`` (context indexes); returns its display text."""
        numbers = []
        for block in dict.fromkeys(blocks):
            if block not in self.order:
                self.order.append(block)
            numbers.append(self.order.index(block) + 1)
        shown = piece.bullet + with_markers(piece.text, sorted(numbers))
        self.lines.setdefault(piece.line, []).append(shown)
        return shown

    def text(self) -> str:
        return "\n".join(" ".join(parts) for _, parts in sorted(self.lines.items()))
