"""``assistant ingest``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from assistant.cli.output import container, emit_json, err, out, split_csv
from ingestion.report import FileOutcome, IngestReport

_STYLE = {"added": "green", "updated": "cyan", "unchanged": "dim", "deleted": "yellow", "failed": "bold red"}


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest (folders are walked).")],
    audience: Annotated[
        str | None,
        typer.Option(help="Comma-separated audience tags overriding the documents' own, e.g. store,hq."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON report on stdout.")] = False,
) -> None:
    """Index documents: unchanged files are skipped, changed ones replaced, removed ones deleted from the index."""
    with container(as_json) as c:
        ingestor = c.ingestor
        plan = ingestor.plan(paths)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
            task = progress.add_task("ingesting", total=len(plan.files) + len(plan.removed))

            def advance(outcome: FileOutcome) -> None:
                progress.update(task, advance=1, description=f"{outcome.status:>9} {Path(outcome.source).name}")

            report = ingestor.run(plan, split_csv(audience), advance)
    if as_json:
        emit_json(report.as_json())
    else:
        _print_report(report)
    if report.failed:
        raise typer.Exit(1)


def _print_report(report: IngestReport) -> None:
    for o in report.outcomes:
        if o.status != "unchanged":
            detail = o.error if o.status == "failed" else f"{o.chunks} chunks, {','.join(o.audience)}, {o.language}"
            out.print(f"[{_STYLE[o.status]}]{o.status:>9}[/] {o.source}  [dim]{detail}[/]", soft_wrap=True)
    for path in report.skipped:
        out.print(f"[dim]  skipped {path} (unsupported format)[/]", soft_wrap=True)
    counts = ", ".join(f"{report.count(s)} {s}" for s in ("added", "updated", "unchanged", "deleted", "failed"))
    out.print(f"{counts}; {report.chunks_embedded} chunks embedded, {report.chunks_deleted} deleted")
