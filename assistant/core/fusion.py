"""Rank fusion, in one place: how hybrid search fuses the dense and BM25 lists inside the engine, and how the
rankings of several wordings of one question (the question and its translation) are fused.

- ``rrf``: reciprocal rank fusion, ``sum weight / (k + rank)`` over the lists a chunk appears in (:class:`RankFusion`:
  ``k`` = :data:`RRF_K` and equal weights by default).
- ``dbsf``: distribution-based score fusion (each list's scores normalised by their spread, then summed).
- ``boost``: ``dense cosine + weight * bm25 / (bm25 + saturation)`` (:class:`LexicalBoost`), a formula the engine
  evaluates. Each index adapter writes these in its engine's own query objects through a :class:`FusionDialect`;
  the formula itself is written once, in :func:`engine_fusion`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, Protocol, TypeVar

Fusion = Literal["rrf", "dbsf", "boost"]
RRF_K = 60  # reciprocal rank fusion constant: the engine's hybrid fusion and the fusion of search wordings
DENSE_SCORE = "$score[0]"  # the engine's name for the score of the first prefetch (dense)
SPARSE_SCORE = "$score[1]"  # ... and of the second (BM25)

E = TypeVar("E")  # an engine's expression type
Q_co = TypeVar("Q_co", covariant=True)  # an engine's fusion query type
T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class RankFusion:
    """The ``rrf`` fusion's parameters: a chunk scores ``dense_weight / (k + dense rank) + sparse_weight / (k +
    BM25 rank)`` (a list it is absent from adds nothing). Equal weights are plain reciprocal rank fusion."""

    k: int = RRF_K
    dense_weight: float = 1.0
    sparse_weight: float = 1.0

    @property
    def weights(self) -> list[float] | None:
        """The per-prefetch weights (dense first), or None for plain RRF."""
        if self.dense_weight == self.sparse_weight:
            return None
        return [self.dense_weight, self.sparse_weight]


@dataclass(frozen=True)
class LexicalBoost:
    """The ``boost`` fusion: ``dense cosine + weight * bm25 / (bm25 + saturation)``, computed by the engine.

    BM25 scores are unbounded and grow with the query length; the saturation maps them into [0, 1) so the lexical
    signal re-ranks the dense candidates without swamping them. A chunk found only by BM25 is scored from
    ``dense_floor`` (about the cosine of an unrelated passage for the embedder), so exact identifiers that the
    embedder misses (product references, codes) still surface.
    """

    weight: float = 0.05
    saturation: float = 20.0
    dense_floor: float = 0.75


class FusionDialect(Protocol, Generic[E, Q_co]):
    """How one engine writes a fusion query: the two built-in fusions and the arithmetic of a score formula.
    ``variable`` names a prefetch score (:data:`DENSE_SCORE`, :data:`SPARSE_SCORE`)."""

    def rrf(self, k: int, weights: list[float] | None) -> Q_co: ...

    def dbsf(self) -> Q_co: ...

    def variable(self, name: str) -> E: ...

    def constant(self, value: float) -> E: ...

    def sum(self, terms: list[E]) -> E: ...

    def mult(self, factors: list[E]) -> E: ...

    def div(self, left: E, right: E, by_zero: float) -> E: ...

    def formula(self, expression: E, defaults: dict[str, float]) -> Q_co: ...


def engine_fusion(
    fusion: Fusion, boost: LexicalBoost, dialect: FusionDialect[E, Q_co], rrf: RankFusion | None = None
) -> Q_co:
    """The engine query that fuses a hybrid search's two prefetches (dense first, BM25 second)."""
    if fusion == "rrf":
        rank = rrf or RankFusion()
        return dialect.rrf(rank.k, rank.weights)
    if fusion == "dbsf":
        return dialect.dbsf()
    d = dialect
    bm25 = d.variable(SPARSE_SCORE)
    saturated = d.div(bm25, d.sum([bm25, d.constant(boost.saturation)]), 0.0)
    return d.formula(
        d.sum([d.variable(DENSE_SCORE), d.mult([d.constant(boost.weight), saturated])]),
        {DENSE_SCORE: boost.dense_floor, SPARSE_SCORE: 0.0},
    )


def fuse_rankings(rankings: Iterable[Sequence[T]], key: Callable[[T], K], top_k: int) -> list[tuple[T, float]]:
    """Reciprocal rank fusion of several rankings of the same kind of item (the hits of each wording of a question):
    an item found in several lists adds up its shares ``1 / (RRF_K + rank)``. Returns the ``top_k`` best items (the
    first occurrence of each) with their fused score, best first."""
    fused: dict[K, float] = {}
    items: dict[K, T] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, 1):
            k = key(item)
            fused[k] = fused.get(k, 0.0) + 1.0 / (RRF_K + rank)
            items.setdefault(k, item)
    ranked = sorted(fused, key=lambda k: -fused[k])[:top_k]
    return [(items[k], fused[k]) for k in ranked]
