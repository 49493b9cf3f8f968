"""The compliance desk: reading the audit trail and answering data-subject requests, for the CLI and the API alike.

Only roles in ``audit.reviewer_roles`` may use it; every read of the trail and every request is itself recorded
(``audit.list``, ``privacy.export``, ``audit.forget``...) with the officer's pseudonymous id and role.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.core.tokens import TOKEN_PATTERN
from audit.errors import AuditConfigurationError

if TYPE_CHECKING:
    from assistant.container import Container
    from audit.views import AuditFilters, AuditView, PurgeReport, VerifyReport
    from privacy.rights import SubjectRights

CSV_FIELDS = [
    "seq", "ts", "state", "operation", "role", "store", "use_case", "refused", "grounded", "fallback", "error",
    "model", "model_version", "prompt_version", "trace_id", "cost_eur", "tokens", "latency_ms", "retrieved",
    "acl_filter", "cited_chunks", "ref_seq", "rating", "extra", "user_id", "question", "answer", "citations",
    "comment", "details", "entry_hash",
]  # fmt: skip


def moment(value: str | None, option: str) -> datetime | None:
    """An ISO 8601 date or date-time filter (UTC when it names no zone)."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise AuditConfigurationError(f"{option} {value!r} is not a date: use ISO 8601, e.g. 2025-01-31") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Officer:
    """Who handles a request: a pseudonymous id (never the login itself) and a reviewer role."""

    who: str
    role: str


class ComplianceDesk:
    def __init__(self, container: Container) -> None:
        self._c = container

    def officer(self, login: str, role: str | None = None) -> Officer:
        """``login`` as a reviewer with ``role`` (default: the first reviewer role); refused for other roles."""
        allowed = self._c.settings.audit.reviewer_roles
        chosen = role or (allowed[0] if allowed else "")
        if chosen not in allowed:
            raise AuditConfigurationError(
                f"role {chosen!r} may not read the audit trail or handle data-subject requests: use one of "
                f"{allowed} (audit.reviewer_roles)"
            )
        return Officer(self._c.user_token(login), chosen)

    def asker_id(self, user: str | None) -> str | None:
        """A login/employee id becomes the pseudonymous id the records carry; a pseudonym token is kept as is."""
        if user is None or TOKEN_PATTERN.fullmatch(user.strip()):
            return user
        return self._c.user_token(user)

    # -- the audit trail -----------------------------------------------------------------------------------------
    def records(self, officer: Officer, filters: AuditFilters, operation: str = "audit.list") -> list[AuditView]:
        self._c.audit.record_access(operation, officer.who, officer.role, {"filters": filters.as_json()})
        return list(self._c.audit.query(filters))

    def record(self, officer: Officer, seq: int) -> AuditView:
        self._c.audit.record_access("audit.show", officer.who, officer.role, {"seq": seq})
        view = self._c.audit.get(seq)
        if view is None:
            raise AuditConfigurationError(f"there is no audit record {seq}: see 'assistant audit list'")
        return view

    def export(self, officer: Officer, filters: AuditFilters, fmt: str) -> tuple[str, int]:
        """The matching records as JSON Lines or CSV text, and how many."""
        if fmt not in ("jsonl", "csv"):
            raise AuditConfigurationError(f"format {fmt!r}: use jsonl or csv")
        details = {"filters": filters.as_json(), "format": fmt}
        self._c.audit.record_access("audit.export", officer.who, officer.role, details)
        views = list(self._c.audit.query(filters))
        buffer = io.StringIO()
        if fmt == "jsonl":
            buffer.writelines(json.dumps(v.as_json(), ensure_ascii=False) + "\n" for v in views)
        else:
            writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS)
            writer.writeheader()
            writer.writerows(_csv_rows(views))
        return buffer.getvalue(), len(views)

    def verify(self, officer: Officer, checkpoints: Sequence[Path] = ()) -> VerifyReport:
        report = self._c.audit.verify(list(checkpoints))
        details = {"ok": report.ok, "size": report.size, "first_bad_seq": report.first_bad_seq}
        self._c.audit.record_access("audit.verify", officer.who, officer.role, details)
        return report

    def purge(self, officer: Officer, dry_run: bool) -> PurgeReport:
        return self._c.audit.purge(dry_run=dry_run, requested_by=officer.who, role=officer.role)

    # -- data-subject rights ---------------------------------------------------------------------------------------
    def export_subject(self, officer: Officer, subject: str, entity_type: str | None = None) -> dict[str, Any]:
        """Right of access: everything held about a person (USER: a staff login's own questions)."""
        self._c.audit.record_access("privacy.export", officer.who, officer.role, {"entity_type": entity_type})
        if (entity_type or "").upper() == "USER":
            token = self._c.user_token(subject)
            records = _AuditTrail(self._c, officer).records_about(token)
            return {"subject_tokens": [token], "vault": [], "documents": [], "audit_records": records}
        return self._rights(officer).export(subject, entity_type)

    def forget_subject(self, officer: Officer, subject: str, entity_type: str | None = None) -> dict[str, Any]:
        """Right to erasure, with its receipt (USER: a staff login's own questions in the audit trail)."""
        if (entity_type or "").upper() == "USER":
            shredded = _AuditTrail(self._c, officer).forget(self._c.user_token(subject))
            return {"subject_tokens": 1, "audit_payloads_shredded": shredded}
        return self._rights(officer).forget(subject, entity_type)

    def _rights(self, officer: Officer) -> SubjectRights:
        from privacy.rights import SubjectRights

        c = self._c

        def reindex(paths: Sequence[Path]) -> object:
            return c.ingestor.ingest(list(paths), force=True)

        return SubjectRights(c.privacy.vault, c.registry, c.index, reindex, _AuditTrail(c, officer))


class _AuditTrail:
    """privacy.rights.AuditTrail over the audit log; the audit.forget record says which officer asked."""

    def __init__(self, c: Container, officer: Officer) -> None:
        self._c = c
        self._officer = officer

    def records_about(self, subject: str) -> list[dict[str, Any]]:
        from audit.views import AuditFilters

        return [v.as_json() for v in self._c.audit.query(AuditFilters(user=subject)) if v.state == "readable"]

    def forget(self, subject: str) -> int:
        return self._c.audit.forget(subject, requested_by=self._officer.who, role=self._officer.role)


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
