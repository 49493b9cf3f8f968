"""What an ingestion run plans and reports (per file outcome, counts, JSON form)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from assistant.core.registry import DocumentRecord

Status = Literal["added", "updated", "unchanged", "deleted", "failed"]
NOTES = ("readers", "warnings")  # what front doors add to a report (who can read the batch), kept through JSON


@dataclass(frozen=True)
class FileOutcome:
    source: str
    status: Status
    doc_id: str = ""
    chunks: int = 0
    audience: tuple[str, ...] = ()
    language: str = ""
    error: str = ""

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "status": self.status, "doc_id": self.doc_id}
        if self.status == "failed":
            out["error"] = self.error
        else:
            out.update(chunks=self.chunks, audience=list(self.audience), language=self.language)
        return out


@dataclass
class IngestPlan:
    files: list[tuple[Path, Path]]  # (file, the root it was found under)
    removed: list[DocumentRecord]
    errors: list[FileOutcome]
    skipped: list[str] = field(default_factory=list)  # unsupported formats found while walking folders


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_deleted: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # busy time per stage (parse, pseudonymize, embed, index)
    notes: dict[str, Any] = field(default_factory=dict)  # added by front doors (who can read what), in the JSON too

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def as_json(self) -> dict[str, Any]:
        counts = {s: self.count(s) for s in ("added", "updated", "unchanged", "deleted", "failed")}
        return {
            **counts,
            "chunks_embedded": self.chunks_embedded,
            "chunks_deleted": self.chunks_deleted,
            "skipped": self.skipped,
            "documents": [o.as_json() for o in self.outcomes],
            **self.notes,
        }


def report_from_json(data: dict[str, Any]) -> IngestReport:
    """The report back from its JSON form (what a server sends for a job it ran)."""
    outcomes = [
        FileOutcome(
            d["source"], d["status"], d.get("doc_id", ""), d.get("chunks", 0), tuple(d.get("audience", ())),
            d.get("language", ""), d.get("error", ""),
        )
        for d in data["documents"]
    ]  # fmt: skip
    notes = {k: v for k, v in data.items() if k in NOTES}
    return IngestReport(outcomes, list(data["skipped"]), data["chunks_embedded"], data["chunks_deleted"], notes=notes)
