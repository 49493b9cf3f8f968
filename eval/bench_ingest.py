"""Ingestion throughput: documents per second with N preparing workers, and the share of time per stage.

    python -m eval.bench_ingest --corpus /tmp/fvdd/corpus --workers 2 [--max-docs 200] [--json]
    python -m eval.bench_ingest --corpus /tmp/fvdd/corpus --workers 2 --resume-dir /var/tmp/bench-2 [--json]

Ingests the corpus into a fresh data dir (a temporary one unless ``--data-dir``) through the same pipeline as
``assistant ingest`` (privacy on unless ``ASSISTANT_PRIVACY_ENABLED=false``; the embedded index unless
``ASSISTANT_QDRANT_URL``) and prints documents/s, chunks/s and each stage's busy time: parse (parse, chunk, detect
languages), pseudonymize (PII detection, pseudonyms, vault), embed (dense and BM25 vectors), index (upserts, registry,
the final index build). With several workers, parse and pseudonymize are summed over the workers, so the shares say
where the work goes, not where the wall-clock time goes. The embedding model is loaded before the clock starts; the
workers' start-up (each loads the PII models) is inside it. Numbers depend on the machine and what else runs on it:
the report carries the load average at the start and the end.

A run longer than one sitting is measured in parts with ``--resume-dir``: the corpus is copied there in slices of
``--slice-docs`` files (by name), each slice is one ``ingest`` call into the same data dir, and each finished slice's
figures are appended to ``progress.jsonl``. Run the same command again after a stop and it goes on with the next slice;
the totals are printed once every slice is done. A slice stopped half-way is done again: the documents it had already
committed come back as unchanged, are not timed and are reported as ``carried``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.container import Container
from assistant.settings import load_settings

STAGES = ("parse", "pseudonymize", "embed", "index")
Ingest = Callable[[Path], dict[str, Any]]  # one folder ingested: its slice figures


def _files(corpus: Path, max_docs: int | None) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if p.is_file())[:max_docs]


def _sample(corpus: Path, max_docs: int | None, into: Path) -> Path:
    """The first ``max_docs`` files of the corpus (sorted by name), copied into a folder of their own (ingestion does
    not follow a link out of the folder it ingests)."""
    if max_docs is None:
        return corpus
    into.mkdir(parents=True, exist_ok=True)
    for path in _files(corpus, max_docs):
        shutil.copyfile(path, into / path.name)
    return into


def _ingester(container: Container, workers: int) -> Ingest:
    """Loads the models outside the clock, then times each folder's ingestion."""
    ingestor = container.make_ingestor(workers)  # loads the main process's PII models
    container.embedder.embed_passages(["warm-up"])

    def ingest(folder: Path) -> dict[str, Any]:
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        report = ingestor.ingest([folder])
        wall = time.perf_counter() - started
        errors = [o.error for o in report.outcomes if o.status == "failed"]
        return {
            "documents": report.count("added") + report.count("updated"),
            "carried": report.count("unchanged"),
            "failed": report.count("failed"),
            "errors": errors[:5],
            "chunks": report.chunks_embedded,
            "wall_s": wall,
            "stage_s": {stage: report.seconds.get(stage, 0.0) for stage in STAGES},
            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        }

    return ingest


def summarise(parts: list[dict[str, Any]], workers: int, container_facts: dict[str, Any]) -> dict[str, Any]:
    """The run's figures from its slices: sums, rates over the summed wall time, shares of the summed busy time."""
    wall = sum(p["wall_s"] for p in parts)
    documents = sum(p["documents"] for p in parts)
    chunks = sum(p["chunks"] for p in parts)
    busy = {stage: sum(p["stage_s"][stage] for p in parts) for stage in STAGES}
    total = sum(busy.values()) or 1.0
    loads = [x for p in parts for x in p["load_average"]]
    result: dict[str, Any] = {
        "workers": workers,
        "documents": documents,
        "failed": sum(p["failed"] for p in parts),
        "chunks": chunks,
        "wall_s": round(wall, 1),
        "documents_per_s": round(documents / wall, 3) if wall else 0.0,
        "chunks_per_s": round(chunks / wall, 2) if wall else 0.0,
        "stage_s": {k: round(v, 1) for k, v in busy.items()},
        "stage_share": {k: round(v / total, 3) for k, v in busy.items()},
        **container_facts,
        "cpus": os.cpu_count(),
        "load_average": [min(loads), max(loads)] if loads else [],
        "errors": [e for p in parts for e in p.get("errors", [])][:5],
    }
    if len(parts) > 1:
        result["slices"] = len(parts)
        result["carried"] = sum(p.get("carried", 0) for p in parts)
    return result


def _facts(container: Container) -> dict[str, Any]:
    return {"privacy": container.settings.privacy.enabled, "embedder": container.settings.embedding.backend}


def run(corpus: Path, workers: int, data_dir: Path, batch_chunks: int | None = None) -> dict[str, Any]:
    container = Container(load_settings(**_overrides(data_dir, batch_chunks)))
    try:
        part = _ingester(container, workers)(corpus)
        return summarise([part], workers, _facts(container))
    finally:
        container.close()


def _overrides(data_dir: Path, batch_chunks: int | None) -> dict[str, Any]:
    overrides: dict[str, Any] = {"data_dir": data_dir, "llm": {"backend": "none"}}
    if batch_chunks is not None:
        overrides["ingestion"] = {"batch_chunks": batch_chunks}
    return overrides


def prepare_slices(corpus: Path, max_docs: int | None, slice_docs: int, workers: int, root: Path) -> list[Path]:
    """The slice folders under ``root`` (copied on the first call); a later call must ask for the same run."""
    files = _files(corpus, max_docs)
    plan = {"corpus": str(corpus.resolve()), "files": len(files), "slice_docs": slice_docs, "workers": workers}
    meta = root / "run.json"
    if meta.exists():
        recorded = json.loads(meta.read_text(encoding="utf-8"))
        if recorded != plan:
            raise ValueError(
                f"{root} holds another run ({recorded}); this one is {plan}: use another --resume-dir, or the "
                "recorded arguments to go on with it"
            )
    else:
        root.mkdir(parents=True, exist_ok=True)
        for i in range(0, len(files), slice_docs):
            folder = root / "corpus" / f"s{i // slice_docs:04d}"
            folder.mkdir(parents=True, exist_ok=True)
            for path in files[i : i + slice_docs]:
                shutil.copyfile(path, folder / path.name)
        meta.write_text(json.dumps(plan), encoding="utf-8")
    return sorted(p for p in (root / "corpus").iterdir() if p.is_dir())


def resume(slices: list[Path], progress: Path, ingest: Ingest, say: Callable[[str], None]) -> list[dict[str, Any]]:
    """Ingests the slices not yet in ``progress`` (a JSON line per finished slice); returns every slice's figures."""
    lines = progress.read_text(encoding="utf-8").splitlines() if progress.exists() else []
    parts = [json.loads(line) for line in lines]
    done = {p["slice"] for p in parts}
    for folder in slices:
        if folder.name in done:
            continue
        part = {"slice": folder.name, **ingest(folder)}
        with progress.open("a", encoding="utf-8") as out:
            out.write(json.dumps(part) + "\n")
        parts.append(part)
        say(
            f"slice {folder.name}: {part['documents']} documents, {part['chunks']} chunks in {part['wall_s']:.0f} s "
            f"({len(parts)}/{len(slices)})"
        )
    return parts


def run_resumable(args: argparse.Namespace) -> dict[str, Any]:
    root: Path = args.resume_dir
    slices = prepare_slices(args.corpus, args.max_docs, args.slice_docs, args.workers, root)
    container = Container(load_settings(**_overrides(root / "data", args.batch_chunks)))
    try:
        ingest = _ingester(container, args.workers)
        parts = resume(slices, root / "progress.jsonl", ingest, lambda line: print(line, file=sys.stderr, flush=True))
        return summarise(parts, args.workers, _facts(container))
    finally:
        container.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_ingest", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="folder to ingest (e.g. eval.fiches_vdd's corpus/)")
    parser.add_argument("--workers", type=int, default=1, help="preparing processes (1: in the ingesting process)")
    parser.add_argument("--max-docs", type=int, default=None, help="only the first N files, by name")
    parser.add_argument("--batch-chunks", type=int, default=None, help="chunks embedded and written together")
    parser.add_argument("--data-dir", type=Path, default=None, help="fresh data dir (default: a temporary one)")
    parser.add_argument("--resume-dir", type=Path, default=None, help="measure in slices that survive a stop (above)")
    parser.add_argument("--slice-docs", type=int, default=250, help="files per slice with --resume-dir")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        hint = "build one with python -m eval.fiches_vdd --out DIR"
        print(f"error: {args.corpus} is not a folder; {hint}", file=sys.stderr)
        return 2
    if args.resume_dir is not None:
        try:
            result = run_resumable(args)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    else:
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
    return _print(result, args.json)


def _print(result: dict[str, Any], as_json: bool) -> int:
    """The figures; exit 1 when a document failed (its error is printed), since the rate would then be flattering."""
    for error in result["errors"]:
        print(f"failed: {error}", file=sys.stderr)
    if as_json:
        print(json.dumps(result))
        return 1 if result["failed"] else 0
    print(
        f"{result['documents']} documents ({result['failed']} failed), {result['chunks']} chunks, "
        f"{result['workers']} worker(s): {result['wall_s']} s, {result['documents_per_s']} documents/s, "
        f"{result['chunks_per_s']} chunks/s"
    )
    for stage in STAGES:
        print(f"  {stage:<13} {result['stage_s'][stage]:>8.1f} s  {100 * result['stage_share'][stage]:5.1f} %")
    print(f"load average {result['load_average'][0]} -> {result['load_average'][-1]} on {result['cpus']} CPUs")
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
