"""Retrieval benchmark: dense, sparse (BM25), hybrid (the configured fusion) and other fusions side by side on one
question set.

A dataset is JSON lines ``{"question": ..., "gold": [doc ids or source file stems], "role"?: ...}``; lines with an
empty gold list (unanswerable questions) are skipped. Latency is the index query alone (p50/p95, milliseconds),
the question's encoding (dense embedding + BM25) being reported separately. Questions marked ``acl_denied`` are
skipped: they check that a role does *not* get a document (see the integration tests).

A fusion is named ``rrf``, ``rrf:<dense weight>:<sparse weight>``, ``dbsf``, ``boost`` or ``boost:<weight>``
(:func:`parse_fusion`); the other parameters are the searcher's.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from assistant.core.fusion import RankFusion
from assistant.core.index import IndexQuery, SearchMode
from assistant.retrieval.searcher import Searcher
from eval.golden import GoldenQuestion
from eval.metrics import hit_at, ndcg_at, reciprocal_rank


@dataclass(frozen=True)
class FusionVariant:
    """A hybrid search with another fusion than the configured one, reported as ``hybrid:<name>``."""

    name: str

    def apply(self, request: IndexQuery) -> IndexQuery:
        method, _, params = self.name.partition(":")
        values = [float(v) for v in params.split(":")] if params else []
        if method == "rrf":
            weights = values or [1.0, 1.0]
            return replace(request, mode="hybrid", fusion="rrf", rrf=RankFusion(request.rrf.k, *weights))
        if method == "boost":
            boost = replace(request.boost, weight=values[0]) if values else request.boost
            return replace(request, mode="hybrid", fusion="boost", boost=boost)
        return replace(request, mode="hybrid", fusion="dbsf")


def parse_fusion(name: str) -> FusionVariant:
    """``rrf``, ``rrf:<dense>:<sparse>`` (weights), ``dbsf``, ``boost`` or ``boost:<weight>``; ValueError otherwise."""
    method, _, params = name.partition(":")
    arity = {"rrf": (0, 2), "dbsf": (0,), "boost": (0, 1)}.get(method)
    try:
        values = [float(v) for v in params.split(":")] if params else []
    except ValueError:
        values = [-1.0]
    if arity is None or len(values) not in arity or any(v < 0 for v in values):
        raise ValueError(f"fusion {name!r}: use rrf, rrf:<dense weight>:<sparse weight>, dbsf, boost or boost:<weight>")
    return FusionVariant(name)


@dataclass
class ModeResult:
    mode: str
    hit1: list[float] = field(default_factory=list)
    hit5: list[float] = field(default_factory=list)
    hit10: list[float] = field(default_factory=list)
    rr: list[float] = field(default_factory=list)
    ndcg10: list[float] = field(default_factory=list)
    latency_ms: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.latency_ms)
        return {
            "mode": self.mode,
            "hit@1": _mean(self.hit1),
            "hit@5": _mean(self.hit5),
            "hit@10": _mean(self.hit10),
            "mrr": _mean(self.rr),
            "ndcg@10": _mean(self.ndcg10),
            "latency_p50_ms": round(_percentile(lat, 50), 3),
            "latency_p95_ms": round(_percentile(lat, 95), 3),
        }


@dataclass
class RetrievalReport:
    questions: int
    encode_ms_p50: float
    modes: list[ModeResult]

    def as_json(self) -> dict[str, Any]:
        return {
            "questions": self.questions,
            "encode_ms_p50": round(self.encode_ms_p50, 1),
            "modes": [m.summary() for m in self.modes],
        }


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 4) if values else 0.0


def _percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(pct / 100 * (len(sorted_values) - 1))))
    return sorted_values[index]


def _with_mode(mode: SearchMode, request: IndexQuery) -> IndexQuery:
    return replace(request, mode=mode)


def evaluate_retrieval(
    searcher: Searcher,
    questions: list[GoldenQuestion],
    modes: list[SearchMode],
    *,
    fusions: Sequence[FusionVariant] = (),
    role: str | None = None,
    depth: int = 30,
) -> RetrievalReport:
    """Rank ``depth`` chunks per question and mode (then per extra fusion), de-duplicated to documents, and score
    them against gold."""
    variants: list[tuple[str, Callable[[IndexQuery], IndexQuery]]] = [(m, partial(_with_mode, m)) for m in modes]
    variants += [(f"hybrid:{f.name}", f.apply) for f in fusions]
    results = [ModeResult(label) for label, _ in variants]
    encode_ms: list[float] = []
    usable = [q for q in questions if q.gold and not q.acl_denied]  # ACL questions are negative tests
    for q in usable:
        started = time.perf_counter()
        request = searcher.prepare(q.question, role or q.role, depth, mode="hybrid")
        encode_ms.append((time.perf_counter() - started) * 1000)
        if request is None:
            continue
        gold = set(q.gold)
        for result, (_, vary) in zip(results, variants, strict=True):
            started = time.perf_counter()
            hits = searcher.index.search(vary(request))
            result.latency_ms.append((time.perf_counter() - started) * 1000)
            ranked = [h.chunk.doc_id if h.chunk.doc_id in gold else Path(h.chunk.source).stem for h in hits]
            result.hit1.append(hit_at(ranked, gold, 1))
            result.hit5.append(hit_at(ranked, gold, 5))
            result.hit10.append(hit_at(ranked, gold, 10))
            result.rr.append(reciprocal_rank(ranked, gold))
            result.ndcg10.append(ndcg_at(ranked, gold, 10))
    return RetrievalReport(len(usable), statistics.median(encode_ms) if encode_ms else 0.0, results)
