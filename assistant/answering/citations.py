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
                pieces.append(Piece(first_line + offset, bullet, clean, cited))
            bullet = ""  # only the first sentence of an item carries the bullet
    return pieces


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
