"""Ingestion throughput: documents per second with N preparing workers, and the share of time per stage.

    python -m eval.bench_ingest --corpus /tmp/fvdd/corpus --workers 2 [--max-docs 200] [--json]

Ingests the corpus into a fresh data dir (a temporary one unless ``--data-dir``) through the same pipeline as
``assistant ingest`` (privacy on unless ``ASSISTANT_PRIVACY_ENABLED=false``; the embedded index unless
``ASSISTANT_QDRANT_URL``) and prints documents/s, chunks/s and each stage's busy time: parse (parse, chunk, detect
languages), pseudonymize (PII detection, pseudonyms, vault), embed (dense and BM25 vectors), index (upserts, registry,
the final index build). With several workers, parse and pseudonymize are summed over the workers, so the shares say
where the work goes, not where the wall-clock time goes. The embedding model is loaded before the clock starts; the
workers' start-up (each loads the PII models) is inside it. Numbers depend on the machine and what else runs on it:
the report carries the load average at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.container import Container
from assistant.settings import load_settings

STAGES = ("parse", "pseudonymize", "embed", "index")


def _sample(corpus: Path, max_docs: int | None, into: Path) -> Path:
    """The first ``max_docs`` files of the corpus (sorted by name), linked into a folder of their own."""
    if max_docs is None:
        return corpus
    into.mkdir(parents=True, exist_ok=True)
    for path in sorted(p for p in corpus.iterdir() if p.is_file())[:max_docs]:
        os.symlink(path.resolve(), into / path.name)
    return into


def run(corpus: Path, workers: int, data_dir: Path, batch_chunks: int | None = None) -> dict[str, Any]:
    overrides: dict[str, Any] = {"data_dir": data_dir, "llm": {"backend": "none"}}
    if batch_chunks is not None:
        overrides["ingestion"] = {"batch_chunks": batch_chunks}
    container = Container(load_settings(**overrides))
    try:
        ingestor = container.make_ingestor(workers)  # loads the main process's PII models
        container.embedder.embed_passages(["warm-up"])  # the model loads outside the measured time
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        report = ingestor.ingest([corpus])
        wall = time.perf_counter() - started
        load_after = os.getloadavg()[0]
    finally:
        container.close()
    busy = {stage: report.seconds.get(stage, 0.0) for stage in STAGES}
    total = sum(busy.values()) or 1.0
    documents = report.count("added") + report.count("updated")
    return {
        "workers": workers,
        "documents": documents,
        "failed": report.count("failed"),
        "chunks": report.chunks_embedded,
        "wall_s": round(wall, 1),
        "documents_per_s": round(documents / wall, 3),
        "chunks_per_s": round(report.chunks_embedded / wall, 2),
        "stage_s": {k: round(v, 1) for k, v in busy.items()},
        "stage_share": {k: round(v / total, 3) for k, v in busy.items()},
        "privacy": container.settings.privacy.enabled,
        "embedder": container.settings.embedding.backend,
        "cpus": os.cpu_count(),
        "load_average": [round(load_before, 2), round(load_after, 2)],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_ingest", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="folder to ingest (e.g. eval.fiches_vdd's corpus/)")
    parser.add_argument("--workers", type=int, default=1, help="preparing processes (1: in the ingesting process)")
    parser.add_argument("--max-docs", type=int, default=None, help="only the first N files, by name")
    parser.add_argument("--batch-chunks", type=int, default=None, help="chunks embedded and written together")
    parser.add_argument("--data-dir", type=Path, default=None, help="fresh data dir (default: a temporary one)")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        hint = "build one with python -m eval.fiches_vdd --out DIR"
        print(f"error: {args.corpus} is not a folder; {hint}", file=sys.stderr)
        return 2
    scratch = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        corpus = _sample(args.corpus, args.max_docs, scratch / "corpus")
        data_dir = args.data_dir or scratch / "data"
        if data_dir.exists() and any(data_dir.iterdir()):
            print(f"error: {data_dir} is not empty: the benchmark ingests into a fresh data dir", file=sys.stderr)
            return 2
        result = run(corpus, args.workers, data_dir, args.batch_chunks)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"{result['documents']} documents ({result['failed']} failed), {result['chunks']} chunks, "
        f"{args.workers} worker(s): {result['wall_s']} s, {result['documents_per_s']} documents/s, "
        f"{result['chunks_per_s']} chunks/s"
    )
    for stage in STAGES:
        print(f"  {stage:<13} {result['stage_s'][stage]:>8.1f} s  {100 * result['stage_share'][stage]:5.1f} %")
    print(f"load average {result['load_average'][0]} -> {result['load_average'][1]} on {result['cpus']} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
