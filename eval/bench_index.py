"""Speed benchmark of the embedded index (qdrant-edge) at scale, on synthetic chunks.

    python -m eval.bench_index --chunks 100000 --queries 500

Vectors are random unit 384-d (the e5-small size), sparse vectors are 20 Zipf-distributed BM25 terms, payloads carry
~800 characters of text and realistic access fields. Reports insert throughput, optimisation (HNSW build) time,
hybrid + access-filter query latency p50/p95 (index only, no query embedding) for the default fusion (the settings')
and each of ``--fusions``, dense-only latency, peak RSS and disk.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.domain import Chunk
from assistant.core.embedding import Vectors
from assistant.core.fusion import RRF_K, LexicalBoost, RankFusion
from assistant.core.index import AccessFilter, IndexQuery, SearchMode, SparseVector
from assistant.index.edge import EdgeIndex
from assistant.index.settings import IndexSettings
from eval.retrieval import parse_fusion
from ingestion.pipeline import chunk_id_for

DIM = 384
AUDIENCES = [("store",), ("store", "marketing"), ("hq",), ("hr",), ("public",)]
DEFAULT_FUSIONS = ("boost", "rrf", "dbsf")
FILLER = ("Procédure magasin : vérifier le ticket, contrôler l'état de l'article et enregistrer le retour. " * 9)[:800]


def _sparse(rng: np.random.Generator, terms: int = 20) -> SparseVector:
    ids = np.unique(rng.zipf(1.3, size=terms) % 50_000)
    return SparseVector(ids.tolist(), rng.uniform(0.5, 2.0, size=len(ids)).round(3).tolist())


def _unit(rng: np.random.Generator, n: int) -> Vectors:
    v = rng.normal(size=(n, DIM)).astype(np.float32)
    unit: Vectors = v / np.linalg.norm(v, axis=1, keepdims=True)
    return unit


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _boost(s: IndexSettings) -> LexicalBoost:
    return LexicalBoost(s.boost_weight, s.boost_saturation, s.boost_dense_floor)


def _rrf(s: IndexSettings) -> RankFusion:
    return RankFusion(RRF_K, s.rrf_dense_weight, s.rrf_sparse_weight)


def _describe(s: IndexSettings) -> str:
    if s.fusion == "rrf":
        return f"rrf:{s.rrf_dense_weight:g}:{s.rrf_sparse_weight:g}"
    return s.fusion


def run(
    chunks: int,
    queries: int,
    batch: int,
    folder: Path,
    seed: int = 0,
    fusions: Sequence[str] = DEFAULT_FUSIONS,
    settings: IndexSettings | None = None,
) -> dict[str, Any]:
    """Build the index and time ``queries`` searches of each kind; the default fusion is ``settings``'."""
    settings = settings or IndexSettings()
    rng = np.random.default_rng(seed)
    index = EdgeIndex(folder)
    started = time.perf_counter()
    for start in range(0, chunks, batch):
        n = min(batch, chunks - start)
        items = [
            Chunk(
                chunk_id=chunk_id_for(f"doc{(start + i) // 10}", (start + i) % 10),
                doc_id=f"doc{(start + i) // 10}",
                source=f"/corpus/doc{(start + i) // 10}.md",
                title=f"Document {(start + i) // 10}",
                section="Section",
                text=FILLER,
                language="fr",
                audience=AUDIENCES[(start + i) % len(AUDIENCES)],
                content_hash="synthetic",
                chunk_index=(start + i) % 10,
                stores=("*",) if (start + i) % 3 else (f"store{(start + i) % 100:03d}",),
                confidentiality=(start + i) % 4,
            )
            for i in range(n)
        ]
        index.upsert(items, _unit(rng, n), [_sparse(rng) for _ in range(n)])
    insert_s = time.perf_counter() - started
    started = time.perf_counter()
    index.flush()
    optimise_s = time.perf_counter() - started

    access = AccessFilter(frozenset({"store", "public"}), max_confidentiality=1, stores=frozenset({"store042"}))
    qvecs = _unit(rng, queries)
    base = IndexQuery(access, 10, None, None, "dense", 50, settings.fusion, boost=_boost(settings), rrf=_rrf(settings))
    variants = {"default": base, **{name: parse_fusion(name).apply(base) for name in fusions}}
    timings: dict[str, list[float]] = {name: [] for name in [*variants, "dense"]}
    for q in qvecs:
        sparse = _sparse(rng, 6)
        for kind, sink in timings.items():
            mode: SearchMode = "dense" if kind == "dense" else "hybrid"
            request = replace(variants.get(kind, base), dense=q.tolist(), sparse=sparse, mode=mode)
            t0 = time.perf_counter()
            hits = index.search(request)
            sink.append((time.perf_counter() - t0) * 1000)
            assert all({"store", "public"} & set(h.chunk.audience) and h.chunk.confidentiality <= 1 for h in hits)
    index.close()
    disk = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return {
        "chunks": chunks,
        "insert_s": round(insert_s, 1),
        "insert_chunks_per_s": round(chunks / insert_s),
        "optimise_s": round(optimise_s, 1),
        "default_fusion": _describe(settings),
        "hybrid_filtered_p50_ms": round(_percentile(timings["default"], 50), 3),
        "hybrid_filtered_p95_ms": round(_percentile(timings["default"], 95), 3),
        **{
            f"hybrid_{name}_filtered_{p}_ms": round(_percentile(timings[name], pct), 3)
            for name in fusions
            for p, pct in (("p50", 50), ("p95", 95))
        },
        "dense_filtered_p50_ms": round(_percentile(timings["dense"], 50), 3),
        "dense_filtered_p95_ms": round(_percentile(timings["dense"], 95), 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "disk_mb": round(disk / 1e6),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--batch", type=int, default=2_000)
    parser.add_argument(
        "--fusions", default=",".join(DEFAULT_FUSIONS), help="Other fusions timed beside the default (eval names)."
    )
    parser.add_argument("--keep", type=Path, help="Build the index here and keep it (default: a temporary folder).")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-index-"))
    try:
        print(json.dumps(run(args.chunks, args.queries, args.batch, folder, fusions=args.fusions.split(",")), indent=2))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
