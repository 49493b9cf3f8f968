"""``assistant eval harvest | promote``: the production loop. The answers staff rated go from the audit trail into a
review file (pseudonymized again on the way), and the entries a reviewer completed into a question set.

``harvest`` reads the audit trail as a reviewer (a role in ``audit.reviewer_roles``); the read is itself recorded
(``eval.harvest``). Exit codes: 0 ok, 1 promote refused some lines (the others went in), 2 bad usage or
configuration, 4 the audit store failed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from assistant.cli.audit_cmd import ReviewerOption, ReviewerRoleOption, _reviewer
from assistant.cli.output import container, emit_json, err, out
from assistant.compliance import ComplianceDesk, Officer, moment
from assistant.container import Container
from assistant.core.errors import ConfigurationError

if TYPE_CHECKING:
    from audit.views import AuditFilters, AuditView

JsonOption = Annotated[bool, typer.Option("--json", help="Print a summary (counts only) as JSON on stdout.")]
OPERATION = "eval.harvest"


class _RecordedTrail:
    """The audit trail as a reviewer reads it: the query of the feedback is recorded (with its filters) through the
    compliance desk; the answers it rates are then read from the log by their seq."""

    def __init__(self, c: Container, desk: ComplianceDesk, officer: Officer) -> None:
        self._c, self._desk, self._officer = c, desk, officer

    def query(self, filters: AuditFilters) -> Iterable[AuditView]:
        return self._desk.records(self._officer, filters, OPERATION)

    def get(self, seq: int) -> AuditView | None:
        return self._c.audit.get(seq)


def _stem(c: Container, doc_id: str) -> str | None:
    record = c.registry.get(doc_id)
    return Path(record.source).stem if record is not None else None


def harvest_command(
    since: Annotated[
        str, typer.Option("--since", help="Feedback given from this date/time on (ISO 8601, UTC if no zone).")
    ],
    rating: Annotated[str, typer.Option(help="down (thumb down, 2 stars), up (thumb up, 4-5 stars) or any.")] = "down",
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="The review file to write (JSON lines; default ./review-<since>-<rating>.jsonl)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite --out if it exists (a review in progress).")
    ] = False,
    reviewer: ReviewerOption = None,
    reviewer_role: ReviewerRoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rated answers into a review file: one JSON line per answer (pseudonymized question, answer, comments, sources,
    rating) with the fields a reviewer fills (expected_answer, expected_keywords, answerable, gold). The format is
    described in eval/harvest.py."""
    from eval.harvest import RATINGS, harvest, write_review

    with container(as_json) as c:
        start = moment(since, "--since")
        assert start is not None  # --since is required
        if rating not in RATINGS:
            raise ConfigurationError(f"--rating {rating!r}: use one of {', '.join(RATINGS)}")
        path = out_file or Path(f"review-{start:%Y%m%d}-{rating}.jsonl")
        if path.exists() and not force:
            raise ConfigurationError(f"--out {path} exists (a review in progress?): choose another file, or --force")
        if not path.parent.is_dir():
            raise ConfigurationError(f"--out {path}: the folder {path.parent} does not exist")
        desk, officer = _reviewer(c, reviewer, reviewer_role)
        if not c.settings.privacy.enabled:
            err.print("[bold yellow]warning:[/] privacy is disabled (ASSISTANT_PRIVACY_ENABLED=false): texts are "
                      "written as recorded, not pseudonymized again", soft_wrap=True)  # fmt: skip
        err.print(f"reading the feedback given since {start.isoformat()}…", markup=False)

        def progress(done: int, total: int) -> None:
            err.print(f"[dim]{done}/{total}[/] answers pseudonymized")

        entries, report = harvest(
            _RecordedTrail(c, desk, officer),
            c.protector,
            start,
            rating,
            languages=c.settings.ingestion.languages,
            source_name=lambda doc_id: _stem(c, doc_id),
            progress=progress,
        )
        write_review(entries, path)
    if as_json:
        emit_json({"out": str(path), "rating": rating, **report.as_json()})
        return
    skipped = ", ".join(f"{n} {reason}" for reason, n in sorted(report.skipped.items())) or "none"
    err.print(f"{report.feedback} feedback record(s) read; left out: {skipped}", markup=False)
    out.print(f"{report.entries} answer(s) to review written to {escape(str(path))}", soft_wrap=True)


def promote_command(
    review: Annotated[Path, typer.Argument(help="The review file (written by 'assistant eval harvest', then filled).")],
    dataset: Annotated[Path, typer.Argument(help="The question set to append to (JSON lines; created if missing).")],
    as_json: JsonOption = False,
) -> None:
    """Append the reviewed entries (expected_keywords and gold filled, or answerable false) to a question set, ids
    h-<seq>. Entries not reviewed yet are left for later; a line that is incomplete, malformed or already in the set
    is refused with its number and the field to fill (exit code 1), and the others still go in."""
    from eval.promote import PromoteError, promote

    with container(as_json) as c:
        if not review.is_file():
            raise ConfigurationError(f"{review}: no such file; write one with 'assistant eval harvest'")
        try:
            report = promote(review, dataset, c.protector)
        except PromoteError as exc:
            raise ConfigurationError(str(exc)) from None
    if as_json:
        emit_json({"dataset": str(dataset), **report.as_json()})
    else:
        for refusal in report.refused:
            err.print(f"[bold red]refused[/] {escape(str(refusal))}", soft_wrap=True)
        out.print(
            f"{len(report.promoted)} question(s) added to {escape(str(dataset))}, {report.pending} not reviewed yet, "
            f"{len(report.refused)} refused",
            soft_wrap=True,
        )
    if report.refused:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``harvest`` and ``promote`` to ``app`` (``assistant eval``)."""
    app.command("harvest")(harvest_command)
    app.command("promote")(promote_command)
