"""Value objects shared by ingestion, the index, retrieval and answering."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CONFIDENTIALITY_LEVELS = {"public": 0, "internal": 1, "confidential": 2, "secret": 3}


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
    stores: tuple[str, ...] = ("*",)  # "*" = every store; otherwise the store codes the chunk is meant for
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
    answer: str
    citations: list[Citation]
    refused: bool
    language: str
    mode: str
    notice: str = ""
    hits: list[SearchHit] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "citations": [c.as_json() for c in self.citations],
            "refused": self.refused,
            "language": self.language,
            "mode": self.mode,
            "notice": self.notice,
        }
