"""``assistant ingest``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from assistant.cli.output import container, emit_json, err, out, remote, split_csv
from assistant.cli.remote import Remote, RemoteError
from assistant.core.text import printable
from assistant.readership import attach_readership
from ingestion.report import FileOutcome, IngestReport, report_from_json

_STYLE = {"added": "green", "updated": "cyan", "unchanged": "dim", "deleted": "yellow", "failed": "bold red"}


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest (folders are walked).")],
    audience: Annotated[
        str | None,
        typer.Option(help="Comma-separated audience tags overriding the documents' own, e.g. store,hq."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON report on stdout.")] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Processes that parse and pseudonymize (default ASSISTANT_INGESTION_WORKERS: 1, in this process); "
            "embedding and index writes stay here. Each worker loads the PII models (~1 GB).",
        ),
    ] = None,
) -> None:
    """Index documents: unchanged files are skipped, changed ones replaced, removed ones deleted from the index.
    While 'assistant serve' runs on the same data dir, the server does the work (same output)."""
    with remote(as_json, None) as server:
        if server is not None:
            report = _through(server, paths, split_csv(audience))
    if server is None:
        report = _locally(paths, audience, as_json, workers)
    if as_json:
        emit_json(report.as_json())
    else:
        _print_report(report)
    if report.failed:
        raise typer.Exit(1)


def _progress() -> Progress:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=err, transient=True, disable=not err.is_terminal)


def _locally(paths: list[Path], audience: str | None, as_json: bool, workers: int | None) -> IngestReport:
    with container(as_json) as c:
        ingestor = c.make_ingestor(workers)
        plan = ingestor.plan(paths)
        with _progress() as progress:
            task = progress.add_task("ingesting", total=len(plan.files) + len(plan.removed))

            def advance(outcome: FileOutcome) -> None:
                name = escape(printable(Path(outcome.source).name))
                progress.update(task, advance=1, description=f"{outcome.status:>9} {name}")

            report = ingestor.run(plan, split_csv(audience), advance)
        s = c.settings
        default = tuple(s.ingestion.default_audience)
        return attach_readership(report, c.access, c.index, s.access.default_role, default)


def _through(server: Remote, paths: list[Path], audience: list[str] | None) -> IngestReport:
    """The job sent to the running server, followed until it ends, with the same progress bar."""
    body = {"paths": [str(p.expanduser().resolve()) for p in paths], "audience": audience}
    job = server.call("POST", "/v1/ingest", body)
    with _progress() as progress:
        task = progress.add_task("ingesting (server)", total=None)
        while (state := server.call("GET", f"/v1/ingest/{job['job']}"))["state"] in ("queued", "running"):
            progress.update(task, total=state["total"] or None, completed=state["processed"],
                            description=f"ingesting (server) {escape(printable(state['current']))}")  # fmt: skip
            time.sleep(0.3)
    if state["state"] == "failed":
        error = state["error"] or {}
        raise RemoteError(error.get("type", "IngestionError"), error.get("message", ""), state["exit_code"] or 4)
    return report_from_json(state["report"])


def _print_report(report: IngestReport) -> None:
    """One line per file (names shown escaped: a name with a line break or markup cannot forge a line), the counts,
    then who can read the batch and the warnings."""
    for o in report.outcomes:
        if o.status != "unchanged":
            detail = o.error if o.status == "failed" else f"{o.chunks} chunks, {','.join(o.audience)}, {o.language}"
            shown = f"{escape(printable(o.source))}  [dim]{escape(printable(detail))}[/]"
            out.print(f"[{_STYLE[o.status]}]{o.status:>9}[/] {shown}", soft_wrap=True)
    for path in report.skipped:
        out.print(f"[dim]  skipped {escape(printable(path))} (unsupported format)[/]", soft_wrap=True)
    counts = ", ".join(f"{report.count(s)} {s}" for s in ("added", "updated", "unchanged", "deleted", "failed"))
    out.print(f"{counts}; {report.chunks_embedded} chunks embedded, {report.chunks_deleted} deleted")
    readers = report.notes.get("readers") or {}
    if readers:
        shown = ", ".join(f"{role} {n}" for role, n in readers.items())
        out.print(f"readable, per role: {shown}", soft_wrap=True, markup=False)
    for warning in report.notes.get("warnings") or []:
        out.print(f"[bold yellow]warning:[/] {escape(warning)}", soft_wrap=True)
