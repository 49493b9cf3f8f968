"""The numbered context of a prompt: retrieved chunks, injected ones quarantined, within a character budget."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.answering.grounding import EvidenceBlock
from assistant.answering.injection import Verdict, fence, quarantine
from assistant.core.domain import Chunk, Citation, SearchHit

_MIN_USEFUL_CHARS = 200  # a block cut shorter than this is not worth its prefill


@dataclass(frozen=True)
class ContextBlock:
    number: int  # 1-based, as cited by the model
    chunk: Chunk
    text: str  # what the model sees (possibly cut at a line or sentence end)

    def evidence(self, opening: ContextBlock | None = None) -> EvidenceBlock:
        """What the support and anchor checks read; ``opening``: the first chunk of the same document, if shown."""
        scope = opening.text if opening is not None and opening is not self else ""
        return EvidenceBlock(self.text, self.chunk.language, f"{self.chunk.title} {self.chunk.section}", scope)

    def citation(self) -> Citation:
        return Citation(self.chunk.source, self.chunk.chunk_id, self.chunk.title)

    def render(self) -> str:
        c = self.chunk
        section = c.section.rsplit(" > ", 1)[-1]  # the nearest heading: the path repeats the title (tokens)
        title = " — ".join(p for p in dict.fromkeys((c.title, section)) if p).replace('"', "'")
        head = f'<document id="{self.number}" source="{Path(c.source).name}" title="{fence(title)}">'
        return f"{head}\n{self.text}\n</document>"


@dataclass(frozen=True)
class Context:
    blocks: list[ContextBlock]
    quarantined: list[tuple[SearchHit, Verdict]]

    def render(self) -> str:
        return "\n\n".join(b.render() for b in self.blocks)

    def evidence(self) -> list[EvidenceBlock]:
        openings = {b.chunk.doc_id: b for b in self.blocks if b.chunk.chunk_index == 0}
        return [b.evidence(openings.get(b.chunk.doc_id)) for b in self.blocks]


def cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[:limit]
    for stop in ("\n", ". ", "; "):
        at = head.rfind(stop)
        if at >= limit // 2:
            return head[: at + 1].rstrip()
    return head.rstrip() + "…"


def build_context(
    hits: Sequence[SearchHit],
    *,
    max_chunks: int,
    max_chars: int,
    focus: Callable[[str, int], str] | None = None,
) -> Context:
    """Number the best clean chunks (retrieval order) until ``max_chunks`` or ``max_chars`` is reached.

    Without ``focus`` each chunk is taken whole while the budget lasts (the last one cut at a line end). With it,
    the budget left is shared evenly by the chunks still to come and ``focus(text, share)`` picks what of each
    chunk to show (:class:`assistant.answering.focus.QuestionFocus`: the passage that answers the question)."""
    clean, flagged = quarantine(hits)
    chosen: list[SearchHit] = []
    for hit in clean:
        if len(chosen) < max_chunks and all(h.chunk.chunk_id != hit.chunk.chunk_id for h in chosen):
            chosen.append(hit)
    blocks: list[ContextBlock] = []
    budget = max_chars
    for rank, hit in enumerate(chosen):
        if budget < _MIN_USEFUL_CHARS:
            break
        text = hit.chunk.text.strip()
        if focus is not None:
            text = focus(text, max(_MIN_USEFUL_CHARS, budget // (len(chosen) - rank)))
        text = cut(fence(text), budget)
        blocks.append(ContextBlock(len(blocks) + 1, hit.chunk, text))
        budget -= len(text)
    return Context(blocks, flagged)
