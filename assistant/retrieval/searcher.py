"""Search: embed the question, query the index with the asker's audience filter applied inside the query."""

from __future__ import annotations

from assistant.domain import SearchHit
from assistant.embeddings.ports import Embedder
from assistant.index.ports import VectorIndex
from assistant.retrieval.access import AccessPolicy


class Searcher:
    def __init__(self, embedder: Embedder, index: VectorIndex, access: AccessPolicy) -> None:
        self._embedder = embedder
        self._index = index
        self._access = access

    def search(self, query: str, role: str, top_k: int) -> list[SearchHit]:
        audiences = self._access.audiences_for(role)  # unknown role: error before any work
        if not query.strip():
            return []
        vector = self._embedder.embed_queries([query])[0]
        return self._index.search(vector.tolist(), audiences, top_k)

    @property
    def embedder(self) -> Embedder:
        return self._embedder
