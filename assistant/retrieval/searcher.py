"""Search: encode the question (dense + BM25), query the index with the asker's access filter inside the query."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.domain import SearchHit
from assistant.embeddings.ports import Embedder
from assistant.index.ports import Fusion, IndexQuery, SearchMode, SparseEncoder, VectorIndex
from assistant.retrieval.access import AccessPolicy
from assistant.text import detect_language


class Searcher:
    def __init__(
        self,
        embedder: Embedder,
        sparse: SparseEncoder,
        index: VectorIndex,
        access: AccessPolicy,
        *,
        languages: Sequence[str],
        mode: SearchMode = "hybrid",
        candidates: int = 50,
        fusion: Fusion = "rrf",
        protect_query: Callable[[str, str], str] | None = None,
    ) -> None:
        self._embedder = embedder
        self._sparse = sparse
        self._index = index
        self._access = access
        self._languages = list(languages)
        self.mode: SearchMode = mode
        self._candidates = candidates
        self._fusion: Fusion = fusion
        self._protect_query = protect_query

    def search(
        self, query: str, role: str, top_k: int, *, store: str | None = None, mode: SearchMode | None = None
    ) -> list[SearchHit]:
        request = self.prepare(query, role, top_k, store=store, mode=mode)
        return self._index.search(request) if request is not None else []

    def prepare(
        self, query: str, role: str, top_k: int, *, store: str | None = None, mode: SearchMode | None = None
    ) -> IndexQuery | None:
        """Encode the question and attach the asker's filter (None for a blank question)."""
        access = self._access.filter_for(role, store)  # unknown role: error before any work
        if not query.strip():
            return None
        mode = mode or self.mode
        language = detect_language(query, self._languages)
        if self._protect_query is not None:  # the question is pseudonymized like the documents were
            query = self._protect_query(query, language)
        dense = self._embedder.embed_queries([query])[0].tolist() if mode != "sparse" else None
        sparse = self._sparse.encode_query(query, language) if mode != "dense" else None
        return IndexQuery(
            access=access,
            top_k=top_k,
            dense=dense,
            sparse=sparse,
            mode=mode,
            candidates=max(self._candidates, top_k),
            fusion=self._fusion,
        )

    @property
    def index(self) -> VectorIndex:
        return self._index

    @property
    def embedder(self) -> Embedder:
        return self._embedder
