"""Who can read what was just ingested: the first-run trap (files without audience metadata get the restrictive
default audience, and the default role reads none of them: every question then answers "not found") made visible.

After an ingestion, :func:`readership` counts, for each configured role, the documents of the batch it may read (the
same filter as its questions: audience and clearance; a store-scoped role counted as the staff of the stores a
document names), and words the warnings: documents no configured role can read, and a batch the default role reads
none of, with the ``--audience`` option to use. The counts go into ``ingest --json`` as ``readers`` and
``warnings`` (fields added to the report; nothing removed).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from assistant.core.index import VectorIndex
from assistant.core.text import printable
from assistant.retrieval.access import AccessPolicy
from ingestion.report import IngestReport

INDEXED = ("added", "updated", "unchanged")
SHOWN = 5  # documents named in a warning; the rest are counted


@dataclass(frozen=True)
class Readership:
    documents: int  # documents of the batch now in the index
    readers: dict[str, int]  # role -> how many of them it may read
    unread: list[str]  # sources no configured role may read
    default_role: str
    default_audience: tuple[str, ...]

    def warnings(self) -> list[str]:
        found: list[str] = []
        if self.unread:
            names = ", ".join(printable(s) for s in self.unread[:SHOWN])
            more = f" and {len(self.unread) - SHOWN} more" if len(self.unread) > SHOWN else ""
            found.append(
                f"{len(self.unread)} document(s) no configured role can read ({names}{more}): their audience or "
                "confidentiality matches no role of ASSISTANT_ACCESS_ROLES / ASSISTANT_ACCESS_CLEARANCE; ingest them "
                "again with --audience TAGS, or add a role that reads them"
            )
        if self.documents and not self.readers.get(self.default_role):
            found.append(
                f"the default role {self.default_role!r} (ASSISTANT_ACCESS_DEFAULT_ROLE, what 'assistant ask' uses "
                f"without --role) can read none of these {self.documents} document(s): files without their own "
                f"audience get {','.join(self.default_audience)} (ASSISTANT_INGESTION_DEFAULT_AUDIENCE). If its staff "
                f"should read them, ingest again with --audience {self.default_role} (or add 'audience: "
                f"{self.default_role}' to the files, or a .audience file in the folder); else ask with --role"
            )
        return found

    def as_json(self) -> dict[str, object]:
        return {"readers": dict(self.readers), "warnings": self.warnings()}


def readership(
    report: IngestReport,
    access: AccessPolicy,
    index: VectorIndex,
    default_role: str,
    default_audience: tuple[str, ...] = (),
) -> Readership:
    indexed = [o for o in report.outcomes if o.status in INDEXED and o.doc_id]
    readers: dict[str, int] = {}
    read_by_someone: set[str] = set()
    for role in access.roles:
        role_filter = replace(access.filter_for(role), stores=None)  # staff of the stores a document names
        readable = {
            o.doc_id
            for o in indexed
            if role_filter.audiences & set(o.audience) and index.count(o.doc_id, access=role_filter) > 0
        }
        readers[role] = len(readable)
        read_by_someone |= readable
    unread = [o.source for o in indexed if o.doc_id not in read_by_someone]
    return Readership(len(indexed), readers, unread, default_role, default_audience)


def attach_readership(
    report: IngestReport,
    access: AccessPolicy,
    index: VectorIndex,
    default_role: str,
    default_audience: tuple[str, ...] = (),
) -> IngestReport:
    """``report`` with ``readers`` and ``warnings`` in its notes (what ``ingest`` prints and ``--json`` carries)."""
    report.notes.update(readership(report, access, index, default_role, default_audience).as_json())
    return report
