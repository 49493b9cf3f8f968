"""``assistant audit``: review, export, verify and purge the tamper-evident audit trail.

Every read (list, show, export, verify) is itself appended to the trail as ``audit.<command>`` with the reviewer's
id and role; only roles in ``audit.reviewer_roles`` may run these commands. Exit codes: 0 ok, 1 verification
failed, 2 bad usage or configuration, 3 set-up missing, 4 the store failed.
"""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.cli.output import container, emit_json, out
from assistant.compliance import ComplianceDesk, Officer, moment
from assistant.container import Container

if TYPE_CHECKING:
    from audit.views import AuditFilters, AuditView

app = typer.Typer(
    help="Audit trail: one hash-chained record per query (review, export, verify, purge).", no_args_is_help=True
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
ReviewerOption = Annotated[
    str | None, typer.Option("--reviewer", help="Your pseudonymous reviewer id (default: the OS account name).")
]
ReviewerRoleOption = Annotated[
    str | None,
    typer.Option("--reviewer-role", help="Your role; must be in audit.reviewer_roles (default: the first of them)."),
]
SinceOption = Annotated[str | None, typer.Option("--since", help="From this date/time (ISO 8601, UTC if no zone).")]
UntilOption = Annotated[str | None, typer.Option("--until", help="Before this date/time (ISO 8601).")]
UserOption = Annotated[
    str | None,
    typer.Option("--user", help="Asker's login / employee id (pseudonymized as recorded), or a pseudonym token."),
]
RoleOption = Annotated[str | None, typer.Option("--role", help="Asker's role.")]
UseCaseOption = Annotated[str | None, typer.Option("--use-case", help="Use case.")]
RefusedOption = Annotated[
    bool | None, typer.Option("--refused/--answered", help="Only refused, or only answered, queries.")
]
DocumentOption = Annotated[str | None, typer.Option("--document", help="A retrieved document id.")]
OperationOption = Annotated[str | None, typer.Option("--operation", help="ask, feedback, audit.list...")]


def _reviewer(c: Container, reviewer: str | None, role: str | None) -> tuple[ComplianceDesk, Officer]:
    desk = ComplianceDesk(c)
    return desk, desk.officer(reviewer or getpass.getuser(), role)


def _filters(**values: Any) -> AuditFilters:
    from audit.views import AuditFilters

    values["since"] = moment(values["since"], "--since")
    values["until"] = moment(values["until"], "--until")
    return AuditFilters(**values)


def _line(view: AuditView) -> str:
    h, p = view.header or {}, view.payload or {}
    flags = "refused" if h.get("refused") else ("error" if h.get("error") else "ok")
    question = (p.get("question") or "")[:80] if view.state == "readable" else f"[{view.state}]"
    return f"#{view.seq} {h.get('ts', '')} {h.get('operation', '')} role={h.get('role')} {flags} {question}"


@app.command("list")
def list_records(
    since: SinceOption = None,
    until: UntilOption = None,
    user: UserOption = None,
    role: RoleOption = None,
    use_case: UseCaseOption = None,
    refused: RefusedOption = None,
    document: DocumentOption = None,
    operation: OperationOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many records.")] = 50,
    reviewer: ReviewerOption = None,
    reviewer_role: ReviewerRoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Records matching the filters, oldest first (decrypted payloads where still readable)."""
    with container(as_json) as c:
        desk, officer = _reviewer(c, reviewer, reviewer_role)
        filters = _filters(
            since=since, until=until, user=desk.asker_id(user), role=role, use_case=use_case, refused=refused,
            document=document, operation=operation, limit=limit,
        )  # fmt: skip
        views = desk.records(officer, filters)
    if as_json:
        emit_json({"records": [v.as_json() for v in views]})
        return
    for view in views:
        out.print(_line(view), soft_wrap=True, markup=False)
    out.print(f"{len(views)} record(s)")


@app.command("show")
def show(
    seq: Annotated[int, typer.Argument(help="Sequence number of the record.", min=1)],
    reviewer: ReviewerOption = None,
    reviewer_role: ReviewerRoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """One record in full."""
    with container(as_json) as c:
        desk, officer = _reviewer(c, reviewer, reviewer_role)
        view = desk.record(officer, seq)
    if as_json:
        emit_json(view.as_json())
        return
    out.print(json.dumps(view.as_json(), ensure_ascii=False, indent=2), soft_wrap=True, markup=False)


@app.command("export")
def export(
    fmt: Annotated[str, typer.Option("--format", help="jsonl or csv.")] = "jsonl",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    user: UserOption = None,
    role: RoleOption = None,
    use_case: UseCaseOption = None,
    refused: RefusedOption = None,
    document: DocumentOption = None,
    operation: OperationOption = None,
    reviewer: ReviewerOption = None,
    reviewer_role: ReviewerRoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Export matching records as JSON Lines or CSV (with --json and --output: a summary on stdout)."""
    if fmt not in ("jsonl", "csv"):
        raise typer.BadParameter(f"--format {fmt!r}: use jsonl or csv")
    with container(as_json) as c:
        desk, officer = _reviewer(c, reviewer, reviewer_role)
        filters = _filters(
            since=since, until=until, user=desk.asker_id(user), role=role, use_case=use_case, refused=refused,
            document=document, operation=operation, limit=None,
        )  # fmt: skip
        text, count = desk.export(officer, filters, fmt)
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    if as_json:
        emit_json({"records": count, "format": fmt, "output": str(output)})
    else:
        out.print(f"{count} record(s) written to {output}", soft_wrap=True, markup=False)


@app.command("verify")
def verify(
    checkpoints: Annotated[
        list[Path] | None,
        typer.Option("--checkpoints", help="A checkpoint file or a folder of them, kept outside the log host."),
    ] = None,
    reviewer: ReviewerOption = None,
    reviewer_role: ReviewerRoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check the hash chain and every signed checkpoint; name the first bad record. Exit 1 when it fails."""
    with container(as_json) as c:
        desk, officer = _reviewer(c, reviewer, reviewer_role)
        report = desk.verify(officer, list(checkpoints or []))
    if as_json:
        emit_json(report.as_json())
    elif report.ok:
        out.print(f"ok: {report.size} record(s), {report.checkpoints_checked} checkpoint(s) verified")
    else:
        out.print(f"FAILED at record {report.first_bad_seq}: {report.reason}", soft_wrap=True, markup=False)
        for problem in report.problems[1:]:
            out.print(f"  also: {problem.reason}", soft_wrap=True, markup=False)
    if not report.ok:
        raise typer.Exit(1)


@app.command("purge")
def purge(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what would be purged.")] = False,
    reviewer: ReviewerOption = None,
    reviewer_role: ReviewerRoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Purge records older than audit.retention_days (hash-only skeletons stay; the chain still verifies)."""
    with container(as_json) as c:
        desk, officer = _reviewer(c, reviewer, reviewer_role)
        report = desk.purge(officer, dry_run)
    if as_json:
        emit_json(report.as_json())
        return
    verb = "would purge" if dry_run else "purged"
    out.print(f"{verb} {report.purged} record(s) older than {report.cutoff} (through #{report.through_seq})")


@app.command("checkpoint")
def checkpoint(
    export_dir: Annotated[
        Path | None, typer.Option("--export", help="Also write every stored checkpoint to this folder.")
    ] = None,
    reviewer: ReviewerOption = None,
    reviewer_role: ReviewerRoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Sign a checkpoint of the current head now (stored, and written to audit.checkpoint_dir if set)."""
    with container(as_json) as c:
        _reviewer(c, reviewer, reviewer_role)
        note = c.audit.checkpoint()
        exported = c.audit.export_checkpoints(export_dir) if export_dir is not None else 0
        verifier_key = c.audit.verifier_key
    if as_json:
        emit_json({"checkpoint": note, "verifier_key": verifier_key, "exported": exported})
        return
    out.print(note, soft_wrap=True, markup=False)
    out.print(f"verifier key: {verifier_key}", soft_wrap=True, markup=False)
    if export_dir is not None:
        out.print(f"{exported} checkpoint(s) in {export_dir}", soft_wrap=True, markup=False)
