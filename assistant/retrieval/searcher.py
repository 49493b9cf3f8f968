"""Search: encode the question (dense + BM25), query the index with the asker's access filter inside the query."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answering import messages
from assistant.core.domain import SearchHit
from assistant.core.embedding import Embedder
from assistant.core.fusion import Fusion, LexicalBoost, RankFusion, fuse_rankings
from assistant.core.index import AccessFilter, IndexQuery, SearchMode, SparseEncoder, VectorIndex
from assistant.core.text import clean_text, detect_language
from assistant.core.tracing import span
from assistant.retrieval.access import AccessPolicy


@dataclass(frozen=True)
class PreparedQuery:
    """An encoded question: the index request, the question as pseudonymized for the index, its language."""

    request: IndexQuery
    text: str
    language: str


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
        boost: LexicalBoost | None = None,
        rrf: RankFusion | None = None,
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
        self._boost = boost or LexicalBoost()
        self._rrf = rrf or RankFusion()
        self._protect_query = protect_query

    def search(
        self, query: str, role: str, top_k: int, *, store: str | None = None, mode: SearchMode | None = None
    ) -> list[SearchHit]:
        request = self.prepare(query, role, top_k, store=store, mode=mode)
        return self._index.search(request) if request is not None else []

    def nothing_to_read(self, role: str, store: str | None, language: str) -> str | None:
        """Why a search by this asker finds nothing whatever it asks, in ``language``: no document indexed at all,
        or none this role (and store) may read. None when there is something to read."""
        if self._index.count(access=self._access.filter_for(role, store)) > 0:
            return None
        key = "nothing_indexed" if self._index.count() == 0 else "nothing_readable"
        return messages.text(key, language).format(role=role)

    def prepare(
        self, query: str, role: str, top_k: int, *, store: str | None = None, mode: SearchMode | None = None
    ) -> IndexQuery | None:
        """Encode the question and attach the asker's filter (None for a blank question)."""
        prepared = self.prepare_query(query, role, top_k, store=store, mode=mode)
        return prepared.request if prepared is not None else None

    def prepare_query(
        self, query: str, role: str, top_k: int, *, store: str | None = None, mode: SearchMode | None = None
    ) -> PreparedQuery | None:
        """Like :meth:`prepare`, keeping the pseudonymized question and its language for the answerers.

        Past this point only ``PreparedQuery.text`` may be used (embedded, sent to an LLM): the raw question may
        carry personal data that the index, the model and the logs must never see.
        """
        access = self._access.filter_for(role, store)  # unknown role: error before any work
        query = clean_text(query)  # no control, bidi-override or zero-width character splits a name or a word
        if not query.strip():
            return None
        mode = mode or self.mode
        language = detect_language(query, self._languages)
        if self._protect_query is not None:  # the question is pseudonymized like the documents were
            with span("pseudonymize", assistant__texts=1):
                query = self._protect_query(query, language)
        return self._encode(query, language, access, top_k, mode)

    def rephrase(self, prepared: PreparedQuery, text: str, language: str) -> PreparedQuery:
        """The same search (access filter, size, mode) for another wording of an already pseudonymized question:
        its translation. ``text`` must come from ``prepared.text``, never from the raw question."""
        request = prepared.request
        return self._encode(text, language, request.access, request.top_k, request.mode)

    def retrieve(self, first: PreparedQuery, *others: PreparedQuery) -> list[SearchHit]:
        """The hits of ``first``; with other wordings, each is searched and the rankings are fused by reciprocal
        rank (a chunk found by several wordings adds up its shares) into ``first``'s ``top_k``. The fused hits carry
        their fused score."""
        if not others:
            return self._index.search(first.request)
        rankings = [self._index.search(prepared.request) for prepared in (first, *others)]
        fused = fuse_rankings(rankings, lambda hit: hit.chunk.chunk_id, first.request.top_k)
        return [SearchHit(hit.chunk, score) for hit, score in fused]

    def _encode(self, query: str, language: str, access: AccessFilter, top_k: int, mode: SearchMode) -> PreparedQuery:
        with span("embed", assistant__texts=1, assistant__mode=mode):
            dense = self._embedder.embed_queries([query])[0].tolist() if mode != "sparse" else None
            sparse = self._sparse.encode_query(query, language) if mode != "dense" else None
        request = IndexQuery(
            access=access,
            top_k=top_k,
            dense=dense,
            sparse=sparse,
            mode=mode,
            candidates=max(self._candidates, top_k),
            fusion=self._fusion,
            boost=self._boost,
            rrf=self._rrf,
        )
        return PreparedQuery(request, query, language)

    @property
    def index(self) -> VectorIndex:
        return self._index

    @property
    def embedder(self) -> Embedder:
        return self._embedder
