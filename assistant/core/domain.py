"""Value objects shared by ingestion, the index, retrieval and answering."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CONFIDENTIALITY_LEVELS = {"public": 0, "internal": 1, "confidential": 2, "secret": 3}
REGION_PREFIX = "region:"  # a region a document is meant for, stored beside store codes in ``stores``


@dataclass(frozen=True)
class Chunk:
    """One indexed piece of a document, with everything the payload carries."""

    chunk_id: str
    doc_id: str
    source: str
    title: str
    section: str
    text: str
    language: str
    audience: tuple[str, ...]
    content_hash: str
    chunk_index: int
    # "*" = every store; otherwise the store codes (and "region:<name>" tags) the chunk is meant for
    stores: tuple[str, ...] = ("*",)
    confidentiality: int = 1  # 0 public, 1 internal, 2 confidential, 3 secret (see CONFIDENTIALITY_LEVELS)

    def payload(self) -> dict[str, Any]:
        return {
            "chunk_id": self.chunk_id,
            "doc_id": self.doc_id,
            "source": self.source,
            "title": self.title,
            "section": self.section,
            "text": self.text,
            "language": self.language,
            "audience": list(self.audience),
            "content_hash": self.content_hash,
            "chunk_index": self.chunk_index,
            "stores": list(self.stores),
            "confidentiality": self.confidentiality,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Chunk:
        return cls(
            chunk_id=str(payload["chunk_id"]),
            doc_id=str(payload["doc_id"]),
            source=str(payload["source"]),
            title=str(payload.get("title", "")),
            section=str(payload.get("section", "")),
            text=str(payload["text"]),
            language=str(payload.get("language", "")),
            audience=tuple(payload.get("audience", ())),
            content_hash=str(payload.get("content_hash", "")),
            chunk_index=int(payload.get("chunk_index", 0)),
            stores=tuple(payload.get("stores", ("*",))),
            confidentiality=int(payload.get("confidentiality", 1)),
        )

    def embedding_text(self) -> str:
        """What the embedder sees: title and section give each chunk its context."""
        head = " — ".join(part for part in (self.title, self.section) if part)
        return f"{head}\n{self.text}" if head else self.text


@dataclass(frozen=True)
class SearchHit:
    chunk: Chunk
    score: float

    def as_json(self) -> dict[str, Any]:
        c = self.chunk
        return {
            "source": c.source,
            "doc_id": c.doc_id,
            "chunk_id": c.chunk_id,
            "score": round(self.score, 4),
            "text": c.text,
            "title": c.title,
            "section": c.section,
            "language": c.language,
        }


@dataclass(frozen=True)
class Citation:
    source: str
    chunk_id: str
    title: str

    def as_json(self) -> dict[str, str]:
        return {"source": self.source, "chunk_id": self.chunk_id, "title": self.title}


@dataclass(frozen=True)
class Answer:
    """What an answerer returns. Fields after ``hits`` describe how it was produced (for the audit log); their
    defaults describe an answer made without a language model."""

    answer: str
    citations: list[Citation]
    refused: bool
    language: str
    mode: str  # "extractive" or "generative"
    notice: str = ""
    hits: list[SearchHit] = field(default_factory=list)
    model: str = ""  # model that produced the text ("" when none did)
    prompt_version: str = ""  # "<template id>@<version>" of the prompt sent
    use_case: str = "store_qa"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    timings_ms: dict[str, float] = field(default_factory=dict)  # retrieve, generate, first_sentence, validate...
    grounding: float | None = None  # share of the generated checkable sentences the context supports
    relevance: float | None = None  # how well the answer and its evidence match the question (0-1, generative)
    fallback: bool = False  # True when the extractive answerer stood in for the generative one
    flags: list[str] = field(default_factory=list)  # citation_repaired, language_retry, injection_quarantined...
    question: str = ""  # the question as the index and the model saw it (pseudonymized); for the audit log
    audit_seq: int | None = None  # the audit record of this answer (feedback links to it)
    understood: str = ""  # a follow-up made standalone ("Question comprise"), as the asker may see it; "" otherwise

    def as_json(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "citations": [c.as_json() for c in self.citations],
            "refused": self.refused,
            "language": self.language,
            "mode": self.mode,
            "notice": self.notice,
            "model": self.model,
            "prompt_version": self.prompt_version,
            "use_case": self.use_case,
            "fallback": self.fallback,
            "grounding": None if self.grounding is None else round(self.grounding, 3),
            "relevance": None if self.relevance is None else round(self.relevance, 3),
            "flags": list(self.flags),
            "tokens": {"prompt": self.prompt_tokens, "completion": self.completion_tokens},
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "audit_seq": self.audit_seq,
            "understood_question": self.understood or None,
        }


def hit_from_json(data: dict[str, Any]) -> SearchHit:
    """A hit back from :meth:`SearchHit.as_json` (what a server sends): the fields it carries, defaults for the rest."""
    chunk = Chunk(
        data["chunk_id"], data["doc_id"], data["source"], data["title"], data["section"], data["text"],
        data["language"], audience=(), content_hash="", chunk_index=0,
    )  # fmt: skip
    return SearchHit(chunk, float(data["score"]))


def answer_from_json(data: dict[str, Any]) -> Answer:
    """An answer back from :meth:`Answer.as_json` (what a server sends), for display."""
    citations = [Citation(c["source"], c["chunk_id"], c["title"]) for c in data["citations"]]
    return Answer(
        data["answer"], citations, bool(data["refused"]), data["language"], data["mode"], data.get("notice", ""),
        audit_seq=data.get("audit_seq"), understood=data.get("understood_question") or "",
    )  # fmt: skip
