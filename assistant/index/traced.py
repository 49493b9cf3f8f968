"""VectorIndex decorator: a ``retrieve`` span per search (mode, fusion, filter shape, hit count, scores; no text)."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.core.domain import Chunk, SearchHit
from assistant.core.embedding import Vectors
from assistant.core.index import AccessFilter, IndexQuery, SparseVector, VectorIndex
from assistant.core.tracing import annotate, span


class TracedIndex:
    def __init__(self, inner: VectorIndex) -> None:
        self._inner = inner

    def search(self, query: IndexQuery) -> list[SearchHit]:
        access = query.access
        with span(
            "retrieve",
            assistant__mode=query.mode,
            assistant__fusion=query.fusion if query.mode == "hybrid" else None,
            assistant__top_k=query.top_k,
            assistant__acl_audiences=",".join(sorted(access.audiences)),
            assistant__acl_max_confidentiality=access.max_confidentiality,
            assistant__acl_store_scoped=access.stores is not None,
        ) as current:
            hits = self._inner.search(query)
            annotate(current, assistant__hits=len(hits), assistant__top_score=hits[0].score if hits else None)
            return hits

    def upsert(self, chunks: Sequence[Chunk], dense: Vectors, sparse: Sequence[SparseVector]) -> None:
        with span("index.upsert", assistant__chunks=len(chunks)):
            self._inner.upsert(chunks, dense, sparse)

    def delete_document(self, doc_id: str, from_index: int = 0) -> int:
        return self._inner.delete_document(doc_id, from_index)

    def count(self, doc_id: str | None = None, access: AccessFilter | None = None) -> int:
        return self._inner.count(doc_id, access)

    def chunks(self, doc_id: str) -> list[Chunk]:
        return self._inner.chunks(doc_id)

    def flush(self) -> None:
        with span("index.flush"):
            self._inner.flush()

    def compact(self) -> bool:
        with span("index.compact"):
            return self._inner.compact()

    def close(self) -> None:
        self._inner.close()
