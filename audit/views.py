"""What the audit log hands back: append results, decrypted views, filters and reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

RecordState = Literal["readable", "shredded", "purged", "unreadable"]


def format_ts(moment: datetime) -> str:
    """The stored timestamp form: UTC, microseconds, ``Z`` (sorts as text). Naive datetimes are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class AppendResult:
    seq: int
    entry_hash: str


@dataclass(frozen=True)
class AuditView:
    """One record as a reviewer sees it. ``payload`` is the decrypted personal part, None once it was shredded
    (``forget``) or purged (then ``header`` is None too: only the hashes remain). ``unreadable``: the sealed
    payload is there but does not decrypt (altered bytes; ``verify`` names the record)."""

    seq: int
    entry_hash: str
    state: RecordState
    header: dict[str, Any] | None
    payload: dict[str, Any] | None

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "entry_hash": self.entry_hash,
            "state": self.state,
            "header": self.header,
            "payload": self.payload,
        }


@dataclass(frozen=True)
class AuditFilters:
    """Filters of :meth:`audit.log.AuditLog.query` (AND-ed; None = any). ``user`` is a pseudonymous id or a
    pseudonym token (matched through its tag, so it finds records whose payload is still there); ``document``
    matches a retrieved or cited chunk's document id."""

    since: datetime | None = None
    until: datetime | None = None
    user: str | None = None
    role: str | None = None
    use_case: str | None = None
    refused: bool | None = None
    document: str | None = None
    operation: str | None = None
    limit: int | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if value is not None:
                out[name] = format_ts(value) if isinstance(value, datetime) else value
        return out


@dataclass(frozen=True)
class Problem:
    seq: int | None  # None: not about one record (e.g. a checkpoint whose signature does not verify)
    reason: str


@dataclass(frozen=True)
class VerifyReport:
    """``ok`` when every check passed. ``first_bad_seq`` is the lowest record found bad, ``reason`` says why
    (for a checkpoint problem with no record, ``first_bad_seq`` is None and ``reason`` names the checkpoint)."""

    ok: bool
    size: int
    first_bad_seq: int | None
    reason: str | None
    checkpoints_checked: int
    problems: list[Problem] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "size": self.size,
            "first_bad_seq": self.first_bad_seq,
            "reason": self.reason,
            "checkpoints_checked": self.checkpoints_checked,
            "problems": [{"seq": p.seq, "reason": p.reason} for p in self.problems],
        }


@dataclass(frozen=True)
class PurgeReport:
    cutoff: str  # records older than this are purged
    through_seq: int  # records 1..through_seq are (or would be, dry run) skeletons
    purged: int  # records turned into skeletons now (dry run: that would be)
    dry_run: bool
    event_seq: int | None  # the audit.purge record appended (None on a dry run or when nothing was due)

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)
