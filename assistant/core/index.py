"""The vector index port: chunks with a dense and a sparse (BM25) vector, searched under an access filter.

How hybrid search fuses the two lists is :mod:`assistant.core.fusion`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from assistant.core.domain import Chunk, SearchHit
from assistant.core.embedding import Vectors
from assistant.core.fusion import Fusion, LexicalBoost, RankFusion

SearchMode = Literal["dense", "sparse", "hybrid"]
SEARCH_MODES: tuple[SearchMode, ...] = ("dense", "sparse", "hybrid")


@dataclass(frozen=True)
class SparseVector:
    indices: list[int]
    values: list[float]


@dataclass(frozen=True)
class AccessFilter:
    """What the asker may read; adapters translate it into a filter *inside* the vector query.

    A chunk matches when its ``audience`` shares a tag with ``audiences``, its ``confidentiality`` level is at most
    ``max_confidentiality``, and, when ``stores`` is given, its ``stores`` payload holds ``"*"`` or one of them.
    """

    audiences: frozenset[str]
    max_confidentiality: int = 3
    stores: frozenset[str] | None = None

    @property
    def empty(self) -> bool:
        return not self.audiences


@dataclass(frozen=True)
class IndexQuery:
    access: AccessFilter
    top_k: int
    dense: Sequence[float] | None = None
    sparse: SparseVector | None = None
    mode: SearchMode = "hybrid"
    candidates: int = field(default=50)  # per-branch prefetch size for hybrid fusion
    fusion: Fusion = "rrf"  # reciprocal rank fusion, distribution-based score fusion, or dense + BM25 boost
    boost: LexicalBoost = field(default_factory=LexicalBoost)  # parameters of the ``boost`` fusion
    rrf: RankFusion = field(default_factory=RankFusion)  # parameters of the ``rrf`` fusion (k, per-list weights)


class VectorIndex(Protocol):
    """Stores chunks with their vectors and payload; searches dense, sparse (BM25 with IDF) or hybrid (RRF).

    Contract:
    - ``upsert`` is idempotent: the same chunk id written twice leaves one point. ``dense`` and ``sparse`` have one
      entry per chunk. The first upsert fixes the dense dimension; a later mismatch raises
      :class:`assistant.core.errors.ConfigurationError`.
    - ``delete_document`` removes the chunks of ``doc_id`` whose ``chunk_index >= from_index`` (all by default)
      and returns how many were removed (0 if none).
    - ``search`` applies ``query.access`` *inside* the engine query (never by post-filtering): every returned chunk
      satisfies it, and an empty access filter returns nothing. ``dense`` mode needs ``query.dense``, ``sparse``
      needs ``query.sparse``, ``hybrid`` fuses both ranked lists in the engine (``query.fusion``: RRF, DBSF or the
      ``boost`` formula of :class:`assistant.core.fusion.LexicalBoost`).
      Results are sorted by decreasing score; an empty or missing collection gives ``[]``.
    - ``count`` counts all chunks, or those of one document, or only those ``access`` may read (the same rule as
      ``search``: an empty filter counts nothing); ``chunks`` lists a document's chunks in order.
    - Data persists across ``close`` and re-opening on the same storage; after ``compact`` (when it returns True)
      the chunks are the same and nothing overwritten or deleted remains in the storage's files.
    - Backend failures raise :class:`assistant.core.errors.BackendError`.
    """

    def upsert(self, chunks: Sequence[Chunk], dense: Vectors, sparse: Sequence[SparseVector]) -> None: ...

    def delete_document(self, doc_id: str, from_index: int = 0) -> int: ...

    def search(self, query: IndexQuery) -> list[SearchHit]: ...

    def count(self, doc_id: str | None = None, access: AccessFilter | None = None) -> int: ...

    def chunks(self, doc_id: str) -> list[Chunk]: ...

    def flush(self) -> None:
        """Persist pending writes and build indexes; called at the end of an ingestion batch."""

    def compact(self) -> bool:
        """Rewrite the storage this process owns so that no overwritten or deleted payload stays in its files (the
        write-ahead log and free pages keep old bytes otherwise); True when done, False when the storage is not
        this process's to rewrite (a server vacuums its own). Used after personal data was overwritten."""

    def close(self) -> None: ...


class SparseEncoder(Protocol):
    """Turns text into BM25 term-frequency sparse vectors (IDF is applied by the index).

    Contract: deterministic; the same word in the same language always maps to the same index; documents and
    queries are encoded with the stemmer of the language given (unknown languages fall back to no stemming).
    """

    def encode_documents(self, texts: Sequence[str], languages: Sequence[str]) -> list[SparseVector]: ...

    def encode_query(self, text: str, language: str) -> SparseVector: ...
