"""``assistant audit``: review, export, verify and purge the tamper-evident audit trail.

Every read (list, show, export, verify) is itself appended to the trail as ``audit.<command>`` with the reviewer's
id and role; only roles in ``audit.reviewer_roles`` may run these commands. Exit codes: 0 ok, 1 verification
failed, 2 bad usage or configuration, 3 set-up missing, 4 the store failed.
"""

from __future__ import annotations

import csv
import getpass
import io
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.cli.output import container, emit_json, out
from assistant.container import Container
from audit.errors import AuditConfigurationError

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
CSV_FIELDS = [
    "seq", "ts", "state", "operation", "role", "store", "use_case", "refused", "grounded", "fallback", "error",
    "model", "model_version", "prompt_version", "trace_id", "cost_eur", "tokens", "latency_ms", "retrieved",
    "acl_filter", "cited_chunks", "ref_seq", "rating", "extra", "user_id", "question", "answer", "citations",
    "comment", "details", "entry_hash",
]  # fmt: skip


def _moment(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise AuditConfigurationError(f"{option} {value!r} is not a date: use ISO 8601, e.g. 2025-01-31") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _reviewer(c: Container, reviewer: str | None, role: str | None) -> tuple[str, str]:
    allowed = c.settings.audit.reviewer_roles
    chosen = role or (allowed[0] if allowed else "")
    if chosen not in allowed:
        raise AuditConfigurationError(
            f"role {chosen!r} may not read the audit trail: use --reviewer-role with one of {allowed} "
            "(audit.reviewer_roles)"
        )
    return c.user_token(reviewer or getpass.getuser()), chosen


def _asker(c: Container, user: str | None) -> str | None:
    """A login/employee id becomes the pseudonymous id the records carry; a pseudonym token is kept as is."""
    from assistant.core.tokens import TOKEN_PATTERN

    if user is None or TOKEN_PATTERN.fullmatch(user.strip()):
        return user
    return c.user_token(user)


def _filters(**values: Any) -> AuditFilters:
    from audit.views import AuditFilters

    values["since"] = _moment(values["since"], "--since")
    values["until"] = _moment(values["until"], "--until")
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
        who, who_role = _reviewer(c, reviewer, reviewer_role)
        filters = _filters(
            since=since, until=until, user=_asker(c, user), role=role, use_case=use_case, refused=refused,
            document=document, operation=operation, limit=limit,
        )  # fmt: skip
        c.audit.record_access("audit.list", who, who_role, {"filters": filters.as_json()})
        views = list(c.audit.query(filters))
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
        who, who_role = _reviewer(c, reviewer, reviewer_role)
        c.audit.record_access("audit.show", who, who_role, {"seq": seq})
        view = c.audit.get(seq)
        if view is None:
            raise AuditConfigurationError(f"there is no audit record {seq}: see 'assistant audit list'")
    if as_json:
        emit_json(view.as_json())
        return
    out.print(json.dumps(view.as_json(), ensure_ascii=False, indent=2), soft_wrap=True, markup=False)


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # no spreadsheet formula injection
    return value


def _csv_rows(views: list[AuditView]) -> Iterator[dict[str, Any]]:
    for view in views:
        row = {**(view.header or {}), **(view.payload or {}), "seq": view.seq, "state": view.state}
        row["entry_hash"] = view.entry_hash
        yield {name: _csv_cell(row.get(name)) for name in CSV_FIELDS}


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
        who, who_role = _reviewer(c, reviewer, reviewer_role)
        filters = _filters(
            since=since, until=until, user=_asker(c, user), role=role, use_case=use_case, refused=refused,
            document=document, operation=operation, limit=None,
        )  # fmt: skip
        details = {"filters": filters.as_json(), "format": fmt}
        c.audit.record_access("audit.export", who, who_role, details)
        views = list(c.audit.query(filters))
    buffer = io.StringIO()
    if fmt == "jsonl":
        buffer.writelines(json.dumps(v.as_json(), ensure_ascii=False) + "\n" for v in views)
    else:
        writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS)
        writer.writeheader()
        writer.writerows(_csv_rows(views))
    if output is None:
        sys.stdout.write(buffer.getvalue())
        return
    output.write_text(buffer.getvalue(), encoding="utf-8")
    if as_json:
        emit_json({"records": len(views), "format": fmt, "output": str(output)})
    else:
        out.print(f"{len(views)} record(s) written to {output}", soft_wrap=True, markup=False)


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
        who, who_role = _reviewer(c, reviewer, reviewer_role)
        report = c.audit.verify(list(checkpoints or []))
        c.audit.record_access(
            "audit.verify", who, who_role, {"ok": report.ok, "size": report.size, "first_bad_seq": report.first_bad_seq}
        )
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
        who, who_role = _reviewer(c, reviewer, reviewer_role)
        report = c.audit.purge(dry_run=dry_run, requested_by=who, role=who_role)
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
