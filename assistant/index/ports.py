"""The vector index port."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from assistant.domain import Chunk, SearchHit
from assistant.embeddings.ports import Vectors


class VectorIndex(Protocol):
    """Stores chunks with their dense vector and payload; searches under an audience filter.

    Contract:
    - ``upsert`` is idempotent: the same chunk id written twice leaves one point. ``vectors`` has one row per chunk.
      The first upsert fixes the vector dimension; a later mismatch raises :class:`assistant.errors.ConfigurationError`.
    - ``delete_document`` removes the chunks of ``doc_id`` whose ``chunk_index >= from_index`` (all by default)
      and returns how many were removed (0 if none).
    - ``search`` applies the audience filter *inside* the vector query: a chunk is returned only if its
      ``audience`` payload shares at least one tag with ``audiences``. An empty ``audiences`` returns nothing.
      Results are sorted by decreasing cosine score; an empty or missing collection gives ``[]``.
    - ``count`` counts all chunks, or those of one document.
    - Backend failures raise :class:`assistant.errors.BackendError`.
    """

    def upsert(self, chunks: Sequence[Chunk], vectors: Vectors) -> None: ...

    def delete_document(self, doc_id: str, from_index: int = 0) -> int: ...

    def search(self, vector: Sequence[float], audiences: Collection[str], top_k: int) -> list[SearchHit]: ...

    def count(self, doc_id: str | None = None) -> int: ...

    def chunks(self, doc_id: str) -> list[Chunk]: ...

    def close(self) -> None: ...
