"""``assistant report costs``: FinOps view of the audit trail (cost and volume per use case, store and day)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.audit_cmd import ReviewerOption, ReviewerRoleOption, SinceOption, UntilOption, _reviewer
from assistant.cli.output import container, emit_json, out
from assistant.compliance import moment

app = typer.Typer(help="Reports computed from the audit trail.", no_args_is_help=True)


@app.command("costs")
def costs(
    since: SinceOption = None,
    until: UntilOption = None,
    png: Annotated[Path | None, typer.Option("--png", help="Also write a PNG plot of the daily cost here.")] = None,
    reviewer: ReviewerOption = None,
    reviewer_role: ReviewerRoleOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Cost and volume per use case, per store and per day (prices: ASSISTANT_COSTS_*). Exit code 1 when a day
    went over ASSISTANT_COSTS_DAILY_BUDGET."""
    from assistant.finops.report import build_report, plot
    from audit.views import AuditFilters

    with container(as_json) as c:
        desk, officer = _reviewer(c, reviewer, reviewer_role)
        filters = AuditFilters(since=moment(since, "--since"), until=moment(until, "--until"), operation="ask")
        views = desk.records(officer, filters, "report.costs")
        cost = c.settings.costs
        report = build_report((v.header or {} for v in views), cost.currency, cost.daily_budget)
    written = plot(report, png) if png else None
    if as_json:
        emit_json({**report.as_json(), "png": str(written) if written else None})
    else:
        t = report.total
        out.print(
            f"{t.questions} questions, {t.cost:.4f} {report.currency} ({t.prompt_tokens} prompt + "
            f"{t.completion_tokens} completion tokens, {t.refused} refused, {t.fallback} fallback)"
        )
        for group in ("use_case", "store", "day"):
            out.print(f"[bold]per {group}[/]")
            for key, b in sorted(report.by[group].items()):
                out.print(f"  {key}: {b.questions} questions, {b.cost:.4f} {report.currency}", markup=False)
        if written:
            out.print(f"plot: {written}")
        for day in report.over_budget:
            out.print(f"[red]over budget on {day}: {report.by['day'][day].cost:.2f} > {cost.daily_budget}[/]")
    if report.over_budget:
        raise typer.Exit(1)
