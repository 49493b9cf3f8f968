"""Structure-aware chunking: sections from headings, paragraphs packed up to a size, overlap between chunks."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.core.text import split_sentences
from ingestion.documents import ParsedDocument


@dataclass(frozen=True)
class ChunkDraft:
    section: str  # heading path, e.g. "Retours > Délais"
    text: str


@dataclass
class _Section:
    path: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(len(p) + 1 for p in self.paragraphs)


class Chunker:
    """Splits a parsed document into chunks that never mix unrelated sections.

    - A section is the text under one heading; its heading path is kept as the chunk's ``section``.
    - Sections shorter than ``min_chars`` are merged with the following ones (their heading stays in the text).
    - Paragraphs are packed up to ``max_chars``; a longer paragraph is split at sentences (then at words).
    - Consecutive chunks of a section share up to ``overlap_chars`` of trailing sentences.
    """

    def __init__(self, max_chars: int = 1200, overlap_chars: int = 200, min_chars: int = 200) -> None:
        if overlap_chars >= max_chars // 2:
            raise ValueError(f"overlap_chars={overlap_chars} must be below half of max_chars={max_chars}")
        self.max_chars = max_chars
        self.overlap_chars = overlap_chars
        self.min_chars = min_chars

    def chunk(self, doc: ParsedDocument) -> list[ChunkDraft]:
        drafts: list[ChunkDraft] = []
        for section in self._merge_small(self._sections(doc)):
            for text in self._pack(section.paragraphs):
                drafts.append(ChunkDraft(section.path, text))
        return drafts

    @staticmethod
    def _sections(doc: ParsedDocument) -> list[_Section]:
        stack: list[tuple[int, str]] = []
        sections = [_Section("", "")]
        for block in doc.blocks:
            if block.kind == "heading":
                while stack and stack[-1][0] >= block.level:
                    stack.pop()
                stack.append((block.level, block.text))
                path = " > ".join(t for _, t in stack if t != doc.title)
                sections.append(_Section(path, block.text))
            else:
                sections[-1].paragraphs.append(block.text)
        return [s for s in sections if s.paragraphs]

    def _merge_small(self, sections: list[_Section]) -> list[_Section]:
        merged: list[_Section] = []
        for section in sections:
            prev = merged[-1] if merged else None
            if prev is not None and prev.size < self.min_chars and prev.size + section.size <= self.max_chars:
                heading = [section.heading] if section.heading else []
                prev.paragraphs.extend([*heading, *section.paragraphs])
            else:
                merged.append(_Section(section.path, section.heading, list(section.paragraphs)))
        return merged

    def _pieces(self, paragraph: str) -> list[str]:
        """A paragraph as pieces no longer than max_chars (sentences, then word runs)."""
        if len(paragraph) <= self.max_chars:
            return [paragraph]
        pieces: list[str] = []
        for sentence in split_sentences(paragraph):
            rest = sentence
            while len(rest) > self.max_chars:
                cut = rest.rfind(" ", 0, self.max_chars)
                cut = cut if cut > self.max_chars // 2 else self.max_chars
                pieces.append(rest[:cut].strip())
                rest = rest[cut:].strip()
            if rest:
                pieces.append(rest)
        return pieces

    def _tail(self, text: str) -> str:
        """Trailing whole sentences of ``text`` that fit in overlap_chars ('' if none fit)."""
        tail: list[str] = []
        size = 0
        for sentence in reversed(split_sentences(text)):
            if size + len(sentence) + 1 > self.overlap_chars:
                break
            tail.insert(0, sentence)
            size += len(sentence) + 1
        return " ".join(tail)

    def _pack(self, paragraphs: list[str]) -> list[str]:
        chunks: list[str] = []
        current: list[str] = []
        size = 0
        for piece in (p for para in paragraphs for p in self._pieces(para)):
            if current and size + len(piece) + 1 > self.max_chars:
                chunks.append("\n".join(current))
                overlap = self._tail(current[-1]) if self.overlap_chars else ""
                current = [overlap] if overlap and len(overlap) + len(piece) + 1 <= self.max_chars else []
                size = sum(len(c) + 1 for c in current)
            current.append(piece)
            size += len(piece) + 1
        if current:
            chunks.append("\n".join(current))
        return chunks
