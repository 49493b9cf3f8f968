"""The numbered context of a prompt: retrieved chunks, injected ones quarantined, within a character budget."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.answering.grounding import EvidenceBlock
from assistant.answering.injection import Verdict, fence, quarantine
from assistant.domain import Chunk, Citation, SearchHit

_MIN_USEFUL_CHARS = 200  # a block cut shorter than this is not worth its prefill


@dataclass(frozen=True)
class ContextBlock:
    number: int  # 1-based, as cited by the model
    chunk: Chunk
    text: str  # what the model sees (possibly cut at a line or sentence end)

    def evidence(self) -> EvidenceBlock:
        return EvidenceBlock(self.text, self.chunk.language, f"{self.chunk.title} {self.chunk.section}")

    def citation(self) -> Citation:
        return Citation(self.chunk.source, self.chunk.chunk_id, self.chunk.title)

    def render(self) -> str:
        c = self.chunk
        title = " — ".join(p for p in (c.title, c.section) if p).replace('"', "'")
        head = f'<document id="{self.number}" source="{Path(c.source).name}" title="{fence(title)}">'
        return f"{head}\n{self.text}\n</document>"


@dataclass(frozen=True)
class Context:
    blocks: list[ContextBlock]
    quarantined: list[tuple[SearchHit, Verdict]]

    def render(self) -> str:
        return "\n\n".join(b.render() for b in self.blocks)

    def evidence(self) -> list[EvidenceBlock]:
        return [b.evidence() for b in self.blocks]


def cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[:limit]
    for stop in ("\n", ". ", "; "):
        at = head.rfind(stop)
        if at >= limit // 2:
            return head[: at + 1].rstrip()
    return head.rstrip() + "…"


def build_context(hits: Sequence[SearchHit], *, max_chunks: int, max_chars: int) -> Context:
    """Number the best clean chunks (retrieval order) until ``max_chunks`` or ``max_chars`` is reached."""
    clean, flagged = quarantine(hits)
    blocks: list[ContextBlock] = []
    budget = max_chars
    for hit in clean:
        if len(blocks) >= max_chunks or budget < _MIN_USEFUL_CHARS:
            break
        if any(b.chunk.chunk_id == hit.chunk.chunk_id for b in blocks):
            continue
        text = cut(fence(hit.chunk.text.strip()), budget)
        blocks.append(ContextBlock(len(blocks) + 1, hit.chunk, text))
        budget -= len(text)
    return Context(blocks, flagged)
