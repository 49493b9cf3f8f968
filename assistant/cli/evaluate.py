"""``assistant eval``: measured quality on question sets."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer
from rich.table import Table

from assistant.cli.output import container, emit_json, err, out, split_csv
from assistant.container import Container
from assistant.core.errors import ConfigurationError
from assistant.core.index import SEARCH_MODES, SearchMode
from assistant.settings import Settings

if TYPE_CHECKING:
    from eval.golden import GoldenQuestion

app = typer.Typer(help="Benchmarks: retrieval quality and latency.", no_args_is_help=True)


def _questions(dataset: Path, limit: int | None, split: str | None = None) -> list[GoldenQuestion]:
    from eval.golden import load_golden

    if not dataset.is_file():
        raise ConfigurationError(f"--dataset {dataset}: no such file")
    try:
        questions = load_golden(dataset)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None
    if split is not None:
        questions = [q for q in questions if q.split == split]
        if not questions:
            raise ConfigurationError(f"--split {split}: no question of {dataset} has that split")
    return questions[:limit]


@contextmanager
def _corpus_container(root: Container, corpus: list[Path] | None) -> Iterator[Container]:
    """``root`` itself, or (with ``--corpus``) a container over an isolated index of those files, ingested first
    (incrementally: a re-run re-embeds nothing) and closed afterwards."""
    if not corpus:
        yield root
        return
    key = hashlib.sha256("|".join(str(p.resolve()) for p in corpus).encode()).hexdigest()[:12]
    c = Container(root.settings.model_copy(update={"data_dir": root.settings.data_dir / "eval" / key}))
    try:
        err.print(f"ingesting {len(corpus)} path(s) into {c.settings.data_dir} (incremental)…")
        ingested = c.ingestor.ingest(corpus)
        err.print(f"{ingested.chunks_embedded} chunks embedded, {len(ingested.failed)} failed files")
        yield c
    finally:
        c.close()


def _ablate(c: Container, questions: list[GoldenQuestion], dataset: Path, as_json: bool) -> None:
    from assistant.answering.fallback import FallbackAnswerer
    from assistant.embeddings.memo import MemoEmbedder
    from eval.ablation import run_ablation, table

    answerer = c.pseudonymized_answerer
    if not isinstance(answerer, FallbackAnswerer):
        raise ConfigurationError("--ablate needs the generative answerer (ASSISTANT_LLM_BACKEND is none)")
    memo = MemoEmbedder(c.searcher.embedder)  # the context of each question embedded once for every variant
    report = run_ablation(
        lambda checks: answerer.with_checks(checks, memo),
        questions,
        c.settings.ingestion.languages,
        dataset=dataset.stem,
        progress=lambda name, right: err.print(f"[dim]{name}[/]: {right}/{len(questions)} right"),
    )
    if as_json:
        emit_json(report.as_json())
    else:
        out.print(table([report.as_json()]), markup=False, soft_wrap=True)


@app.command("retrieval")
def retrieval(
    dataset: Annotated[Path, typer.Option(help="JSON lines: {question, gold: [doc ids or file stems], role?}.")],
    corpus: Annotated[
        list[Path] | None,
        typer.Option(help="Ingest these files/folders into an isolated index under <data dir>/eval first."),
    ] = None,
    modes: Annotated[str, typer.Option(help="Comma-separated modes to compare.")] = "dense,sparse,hybrid",
    fusions: Annotated[
        str,
        typer.Option(
            help="Comma-separated other hybrid fusions to compare: rrf, rrf:<dense weight>:<sparse weight>, dbsf, "
            "boost, boost:<weight> (reported as hybrid:<name>)."
        ),
    ] = "",
    split: Annotated[
        str | None, typer.Option(help="Only the questions of this split (dev or test: the public question sets).")
    ] = None,
    role: Annotated[str | None, typer.Option(help="Role for every question (default: the question's own).")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Only the first N questions.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """hit@1/5/10, MRR, nDCG@10 and index latency p50/p95 for dense, sparse and hybrid search, side by side."""
    from eval.retrieval import evaluate_retrieval, parse_fusion

    with container(as_json) as root:
        chosen = split_csv(modes) or []
        bad = [m for m in chosen if m not in SEARCH_MODES]
        if bad or not chosen:
            raise ConfigurationError(f"--modes {modes!r}: use a comma-separated subset of {', '.join(SEARCH_MODES)}")
        try:
            variants = [parse_fusion(name) for name in split_csv(fusions) or []]
        except ValueError as exc:
            raise ConfigurationError(f"--fusions: {exc}") from None
        questions = _questions(dataset, limit, split)
        with _corpus_container(root, corpus) as c:
            report = evaluate_retrieval(
                c.searcher, questions, cast(list[SearchMode], chosen), fusions=variants, role=role
            )
    if as_json:
        emit_json(report.as_json())
        return
    table = Table(title=f"{dataset.name}: {report.questions} questions, encoding p50 {report.encode_ms_p50:.0f} ms")
    columns = ["mode", "hit@1", "hit@5", "hit@10", "mrr", "ndcg@10", "latency_p50_ms", "latency_p95_ms"]
    for name in columns:
        table.add_column(name, justify="right")
    for row in report.as_json()["modes"]:
        table.add_row(*(str(row[name]) for name in columns))
    out.print(table)


@app.command("pii")
def pii(
    sentences: Annotated[int, typer.Option(min=100, help="Labelled sentences to generate (fr + en).")] = 1200,
    seed: Annotated[int, typer.Option(help="Generator seed (same seed, same benchmark).")] = 7,
    independent: Annotated[
        bool,
        typer.Option(
            "--independent",
            help="The independent set instead: Faker values of seven locales in prose, lists, tables, CSV, e-mails "
            "and forms, scored through the ingestion path, per type and locale.",
        ),
    ] = False,
    seeds: Annotated[str, typer.Option(help="--independent: comma-separated seeds.")] = "1,2,3,4",
    docs_per_locale: Annotated[int, typer.Option(min=7, help="--independent: documents per locale and seed.")] = 14,
    leak_scan: Annotated[
        bool,
        typer.Option(
            "--leak-scan",
            help="--independent: also ingest the set (default settings, then privacy disabled as the positive "
            "control) into throw-away data dirs and search every file for the raw values (minutes per seed).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Per-entity precision / recall of the PII detector on a generated French + English benchmark (the
    recognizers' own templates), or with --independent on the independent multilingual set."""
    if independent:
        _pii_independent(seeds, docs_per_locale, leak_scan, as_json)
        return
    from eval.pii.benchmark import run_pii_benchmark

    with container(as_json) as c:
        report = run_pii_benchmark(c.privacy.detector, n_sentences=sentences, seed=seed)
    if as_json:
        emit_json(report.as_json())
    else:
        out.print(report.table(), markup=False)


def _pii_independent(seeds: str, docs_per_locale: int, leak_scan: bool, as_json: bool) -> None:
    from eval.independent.benchmark import run_independent
    from eval.independent.leaks import run_leak_scan
    from ingestion.chunking import Chunker

    try:
        chosen = [int(s) for s in seeds.split(",") if s.strip()]
    except ValueError:
        raise ConfigurationError(f"--seeds {seeds!r}: use comma-separated integers, e.g. 1,2,3,4") from None
    with container(as_json) as c:
        s = c.settings.ingestion
        chunker = Chunker(s.chunk_max_chars, s.chunk_overlap_chars, s.chunk_min_chars)
        report = run_independent(c.privacy.detector, chosen, docs_per_locale, chunker, s.languages)
        leaks = [run_leak_scan(c.settings, seed, docs_per_locale) for seed in chosen] if leak_scan else []
    if as_json:
        emit_json({**report.as_json(), "leak_scan": leaks})
        return
    out.print(report.table(), markup=False, soft_wrap=True)
    for failure in report.failures():
        out.print(f"below target: {failure}", markup=False, soft_wrap=True)
    for scan in leaks:
        default, control = scan["default"], scan["control"]
        out.print(
            f"leak scan seed {scan['seed']}: {default['found']} of {default['values']} raw values found under the "
            f"data dir ({default['files_scanned']} files, {default['bytes_scanned']} bytes; "
            f"{default['explained_word_hits']} surname/street words also written as something else); positive "
            f"control (privacy disabled): {control['found']} of {control['values']} found"
            f"{'' if scan['control_ok'] else ' — CONTROL FAILED: the scanner does not see every value'}; "
            f"ingestion {default['documents_per_s']} documents/s (privacy disabled {control['documents_per_s']})",
            markup=False,
            soft_wrap=True,
        )
        for hit in default["hits"]:
            where = f"{hit['type']} {hit['locale']}, {hit['form']}, in {hit['file']}: {hit['context']}"
            out.print(f"  found: {where}", markup=False, soft_wrap=True)


@app.command("generation")
def generation(
    dataset: Annotated[
        Path | None, typer.Option(help="Golden JSON lines (default: eval/datasets/samples_golden.jsonl).")
    ] = None,
    corpus: Annotated[
        list[Path] | None,
        typer.Option(help="Ingest these files/folders into an isolated index under <data dir>/eval first."),
    ] = None,
    role: Annotated[str | None, typer.Option(help="Role for every question (default: the question's own).")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Only the first N questions.")] = None,
    record: Annotated[
        Path | None,
        typer.Option(
            help="Append the model's completions to this JSON-lines transcript (for --replay). With --replay OLD: "
            "prompts OLD lacks go to the model, and this file gets the whole run."
        ),
    ] = None,
    replay: Annotated[
        Path | None,
        typer.Option(
            help="Serve the completions of this transcript instead of calling the model: re-scores the grounding "
            "checks on the recorded answers in seconds (latencies then measure the application only)."
        ),
    ] = None,
    ablate: Annotated[
        bool,
        typer.Option(
            "--ablate",
            help="With --replay: answer the set again with each answer check disabled in turn and print what each "
            "contributes (outcomes per question; --json for the report that `python -m eval.ablation A.json B.json` "
            "combines over sets). Add --record NEW to send prompts the recording lacks to the live model.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout (summary and every answer).")] = False,
) -> None:
    """Answers through the configured answerer, streamed and pseudonymized as the chat gets them (before
    re-identification: the report holds no personal data): correct answers, refusals (unanswerable, ACL-denied),
    citation validity, answer language, latency p50/p95, first sentence p50 and tokens, against the targets of the
    Generation issue."""
    from eval.generation import TARGETS, QuestionResult, evaluate_generation
    from eval.golden import SAMPLES_GOLDEN

    dataset = dataset or SAMPLES_GOLDEN

    def transcript(settings: Settings) -> Settings:
        update: dict[str, object] = {}
        if replay:
            update.update(backend="replay", replay_from=replay)
        if record:
            update.update(record_to=record)
        if not update:
            return settings
        llm = settings.llm.model_copy(update=update)
        return settings.model_copy(update={"llm": llm})

    if ablate and replay is None:
        raise ConfigurationError("--ablate replays a recorded run: add --replay RUN.jsonl (record one with --record)")
    with container(as_json, transcript) as root:
        questions = _questions(dataset, limit)
        with _corpus_container(root, corpus) as c:
            if ablate:
                _ablate(c, questions, dataset, as_json)
                return

            def progress(number: int, result: QuestionResult) -> None:
                err.print(f"[dim]{number}/{len(questions)}[/] {result.id} {result.kind} ok={result.ok}")

            report = evaluate_generation(
                c.pseudonymized_answerer, questions, c.settings.ingestion.languages, role=role, progress=progress
            )
    if as_json:
        emit_json(report.as_json())
        return
    summary = report.summary()
    table = Table(title=f"{dataset.name}: {summary['questions']} questions {summary['by_kind']}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("target", justify="right")
    for name, value in summary.items():
        if name not in ("questions", "by_kind", "targets_met"):
            target = TARGETS.get(name)
            table.add_row(name, str(value), "" if target is None else f">= {target}")
    out.print(table)
