"""``assistant eval run | gate | compare``: one evaluation written as ``results.json`` + ``report.html``, the quality
gate on it, and what changed between two runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from assistant.cli.evaluate import _corpus_container, _questions
from assistant.cli.output import container, emit_json, err, guarded, out
from assistant.core.errors import ConfigurationError
from assistant.gate_settings import REPORT_DIR as DEFAULT_OUT
from assistant.settings import load_settings


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigurationError(f"{path}: no such file; write one with 'assistant eval run --out DIR'") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"{path}: not a results.json ({exc})") from None
    if not isinstance(data, dict) or data.get("schema") != 1 or not isinstance(data.get("suites"), dict):
        raise ConfigurationError(f"{path}: not a results.json of schema 1 (written by 'assistant eval run')")
    return data


def run(
    suite: Annotated[
        str, typer.Option(help="Comma-separated: retrieval, answers (refusal, latency: the same), pii, or all.")
    ] = "all",
    dataset: Annotated[
        Path | None, typer.Option(help="Question set, JSON lines (default: eval/datasets/samples_golden.jsonl).")
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help=f"Folder of results.json and report.html (default: <data dir>/"
            f"{DEFAULT_OUT}); the run already there becomes the trend's baseline (previous/).",
        ),
    ] = None,
    corpus: Annotated[
        list[Path] | None,
        typer.Option(help="Ingest these files/folders into an isolated index under <data dir>/eval first."),
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Only the first N questions.")] = None,
    pii_sentences: Annotated[int, typer.Option(min=100, help="pii: labelled sentences to generate.")] = 1200,
    label: Annotated[str | None, typer.Option(help="Name of the run in the report (e.g. a commit).")] = None,
    check: Annotated[bool, typer.Option("--gate", help="Exit 1 when a gated metric is below its threshold.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print results.json on stdout.")] = False,
) -> None:
    """Run the evaluation suites on a question set: results.json (ids and numbers only, no question or answer
    text) and a self-contained report.html with plots and the trend against the previous run in the same folder."""
    import eval.run as runs
    from eval.gate import gate, verdict
    from eval.generation import evaluate_generation
    from eval.golden import SAMPLES_GOLDEN
    from eval.pii.benchmark import run_pii_benchmark
    from eval.report import write_report

    try:
        chosen = runs.parse_suites(suite)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--suite") from None
    dataset = dataset or SAMPLES_GOLDEN
    with container(as_json) as root:
        s = root.settings
        folder = out_dir or s.data_dir / DEFAULT_OUT
        questions = _questions(dataset, limit)
        suites: dict[str, dict[str, Any]] = {}
        with _corpus_container(root, corpus) as c:
            if "retrieval" in chosen:
                err.print(f"retrieval: {len(questions)} questions, modes dense, sparse, hybrid and as configured")
                suites["retrieval"] = runs.retrieval_suite(c.searcher, questions, (s.index.search_mode, s.answer.top_k))
            if "answers" in chosen:
                report = evaluate_generation(
                    c.pseudonymized_answerer, questions, s.ingestion.languages,
                    progress=runs.progress_printer(err.print, len(questions)),
                )  # fmt: skip
                suites["answers"] = runs.answers_suite(report, questions, s.costs)
            if "pii" in chosen:
                err.print(f"pii: {pii_sentences} labelled sentences")
                suites["pii"] = runs.pii_suite(run_pii_benchmark(c.privacy.detector, n_sentences=pii_sentences))
        model = s.llm.model if s.llm.backend != "none" else None
        configuration = {"search_mode": s.index.search_mode, "fusion": s.index.fusion, "top_k": s.answer.top_k,
                         "answerer": s.llm.backend, "model": model}  # fmt: skip
        results = runs.results(suites, runs.dataset_info(dataset, len(questions)), configuration, label)
        results["gate"] = verdict(gate(results, s.gate))
        folder.mkdir(parents=True, exist_ok=True)
        runs.keep_previous(folder)
        (folder / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
        page = write_report(results, folder)
    err.print(f"results: {folder / 'results.json'}\nreport:  {page}")
    if as_json:
        emit_json(results)
    else:
        _print_gate(results["gate"])
    if check and not results["gate"]["passed"]:
        raise typer.Exit(1)


def _print_gate(outcome: dict[str, Any]) -> None:
    for failure in outcome["failures"]:
        bound = ">=" if failure["kind"] == "min" else "<="
        out.print(f"FAIL {escape(failure['metric'])} = {failure['value']} (needs {bound} {failure['threshold']})")
    if outcome["not_measured"]:
        out.print(f"not measured (suite not run): {escape(', '.join(outcome['not_measured']))}")
    out.print("gate passed" if outcome["passed"] else "gate failed")


def gate_command(
    results_file: Annotated[Path, typer.Argument(help="A results.json written by 'assistant eval run'.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
) -> None:
    """Check a run against the quality thresholds of the settings (ASSISTANT_GATE_MINIMUMS / _MAXIMUMS): exit 1
    naming each metric below its threshold. Latency and cost are reported by the run, never gated."""
    from eval.gate import gate, verdict

    with guarded(as_json):
        outcome = verdict(gate(_load(results_file), load_settings().gate))
    if as_json:
        emit_json(outcome)
    else:
        _print_gate(outcome)
    if not outcome["passed"]:
        raise typer.Exit(1)


def compare_command(
    before: Annotated[Path, typer.Argument(help="results.json of the earlier run.")],
    after: Annotated[Path, typer.Argument(help="results.json of the later run.")],
    plot: Annotated[Path | None, typer.Option(help="Also draw the metric deltas into this PNG.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
) -> None:
    """What changed between two runs: every metric with its delta, and the questions whose outcome changed."""
    from eval.compare import compare

    with guarded(as_json):
        comparison = compare(_load(before), _load(after))
    if plot is not None:
        comparison.plot_png(plot)
        err.print(f"plot: {plot}")
    if as_json:
        emit_json(comparison.as_json())
    else:
        out.print(comparison.table(), markup=False)


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("gate")(gate_command)
    app.command("compare")(compare_command)
