"""Scores the product path on the independent set: each document is parsed, chunked and pseudonymized exactly as
ingestion does (:class:`ingestion.pipeline.Ingestor` order: title, sections, texts, per-chunk language), then the
pseudonymized strings are aligned back on the originals to find which spans became which token type.

Matching: a replaced span matches a planted value of an accepted type (:data:`ACCEPTED`) when their overlap covers
at least half of their union; each value occurrence is matched once. ``masked`` counts occurrences whose text no
longer appears (covered by any replacement): what privacy needs, whatever the type. ``fp_clear`` counts
replacements that touch no planted value at all (non-personal text masked: the cost)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import regex  # type: ignore[import-untyped]

from assistant.core.protection import TextProtector
from assistant.core.text import detect_language
from assistant.core.tokens import TOKEN_PATTERN
from eval.independent.documents import Document
from ingestion.chunking import Chunker
from ingestion.parsers import ParserRegistry

MIN_IOU = 0.5
ALIGN_TIMEOUT_S = 5.0
#: Detected types accepted for each gold type (identifiers of one family stand for each other).
ACCEPTED: dict[str, frozenset[str]] = {
    "NIR": frozenset({"NIR", "NATIONAL_ID"}),
    "NATIONAL_ID": frozenset({"NATIONAL_ID", "NIR"}),
    "SIREN": frozenset({"SIREN", "SIRET", "COMPANY_ID"}),
    "SIRET": frozenset({"SIRET"}),
    "COMPANY_ID": frozenset({"COMPANY_ID", "SIREN"}),
    "IDENTIFIER": frozenset({"IDENTIFIER", "LOYALTY_CARD", "EMPLOYEE_ID"}),
}
Span = tuple[str, int, int]  # (type, start, end)


def align(original: str, protected: str) -> list[Span] | None:
    """The spans of ``original`` that tokens replaced in ``protected``, with the token's type; None when the two
    cannot be aligned (the boundary changed something else than whole spans)."""
    parts = TOKEN_PATTERN.split(protected)
    literals, types = parts[0::3], parts[1::3]
    if not types:
        return [] if original == protected else None
    pattern = "".join(regex.escape(lit) + ("(.+?)" if i < len(types) else "") for i, lit in enumerate(literals))
    try:
        match = regex.fullmatch(pattern, original, flags=regex.DOTALL, timeout=ALIGN_TIMEOUT_S)
    except TimeoutError:
        return None
    if match is None:
        return None
    return [(t, match.start(i + 1), match.end(i + 1)) for i, t in enumerate(types)]


def occurrences(text: str, value: str) -> list[tuple[int, int]]:
    """Where ``value`` stands in ``text`` as a whole word run, any run of white space matching any other."""
    words = [regex.escape(w) for w in value.split()]
    if not words:
        return []
    pattern = r"(?<![\w@.-])" + r"\s+".join(words) + r"(?![\w@]|[.-]\w)"
    return [m.span() for m in regex.finditer(pattern, text)]


@dataclass
class Counts:
    support: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    masked: int = 0
    fp_clear: int = 0

    def add(self, other: Counts) -> None:
        for name in ("support", "tp", "fp", "fn", "masked", "fp_clear"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def masked_share(self) -> float:
        return self.masked / self.support if self.support else 1.0


@dataclass
class Scores:
    """Counts per (type, locale); misses and false alarms kept with their raw synthetic text for debugging."""

    cells: dict[tuple[str, str], Counts] = field(default_factory=dict)
    unaligned: int = 0
    strings: int = 0
    decoys_flagged: int = 0
    errors: list[tuple[str, str, str, str]] = field(default_factory=list, repr=False)  # kind, type, locale, text

    def cell(self, entity_type: str, locale: str) -> Counts:
        return self.cells.setdefault((entity_type, locale), Counts())

    def total(self, entity_type: str | None = None, locale: str | None = None) -> Counts:
        out = Counts()
        for (t, loc), counts in self.cells.items():
            if (entity_type is None or t == entity_type) and (locale is None or loc == locale):
                out.add(counts)
        return out


def _iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return inter / (max(a[1], b[1]) - min(a[0], b[0])) if inter > 0 else 0.0


def _gold(text: str, doc: Document) -> list[tuple[str, int, int]]:
    found = {(p.entity_type, s, e) for p in doc.planted for s, e in occurrences(text, p.value)}
    # a value inside a longer one (a surname inside a full name, a name inside a street) is the longer one's
    return sorted(g for g in found if not any(o[1] <= g[1] and g[2] <= o[2] and o != g for o in found))


def score_string(text: str, spans: Sequence[Span], doc: Document, scores: Scores) -> None:
    gold = _gold(text, doc)
    unmatched = list(spans)
    for entity_type, start, end in gold:
        counts = scores.cell(entity_type, doc.locale)
        counts.support += 1
        accepted = ACCEPTED.get(entity_type, frozenset({entity_type}))
        match = next((s for s in unmatched if s[0] in accepted and _iou((s[1], s[2]), (start, end)) >= MIN_IOU), None)
        covered = sum(max(0, min(end, s[2]) - max(start, s[1])) for s in spans)
        counts.masked += covered >= end - start
        if match is None:
            counts.fn += 1
            scores.errors.append(("FN", entity_type, doc.locale, text[start:end]))
        else:
            counts.tp += 1
            unmatched.remove(match)
    for entity_type, start, end in unmatched:
        counts = scores.cell(entity_type, doc.locale)
        counts.fp += 1
        counts.fp_clear += not any(g[1] < end and start < g[2] for g in gold)
        scores.errors.append(("FP", entity_type, doc.locale, text[start:end]))
    for decoy in doc.decoys:
        for d_start, d_end in occurrences(text, decoy):
            scores.decoys_flagged += any(s[1] < d_end and d_start < s[2] for s in spans)


def protected_strings(
    doc: Document, parsers: ParserRegistry, chunker: Chunker, protector: TextProtector, languages: Sequence[str]
) -> list[tuple[str, str]]:
    """(original, pseudonymized) of every string ingestion would index for ``doc``, in the pipeline's order."""
    data = doc.text.encode("utf-8")
    parsed = parsers.for_path(Path(doc.name)).parse(data, doc.name)
    language = parsed.language or detect_language(parsed.text, languages)
    drafts = chunker.chunk(parsed)
    chunk_languages = [
        detect_language(d.text, languages, default=language) if len(d.text) > 80 else language for d in drafts
    ]
    originals = [parsed.title, *(d.section for d in drafts), *(d.text for d in drafts)]
    protected = protector.protect(originals, [language, *chunk_languages, *chunk_languages])
    return list(zip(originals, (p.text for p in protected), strict=True))


def score_documents(
    documents: Iterable[Document],
    parsers: ParserRegistry,
    chunker: Chunker,
    protector: TextProtector,
    languages: Sequence[str],
) -> Scores:
    scores = Scores()
    for doc in documents:
        for original, protected in protected_strings(doc, parsers, chunker, protector, languages):
            scores.strings += 1
            spans = align(original, protected)
            if spans is None:
                scores.unaligned += 1
                continue
            score_string(original, spans, doc, scores)
    return scores
