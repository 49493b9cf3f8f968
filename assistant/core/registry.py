"""The document registry port: which files are indexed, with which content hash and chunk count, and which pseudonym
tokens each carries. Ingestion keeps it in step with the files (:class:`ingestion.registry.SqliteDocumentRegistry`,
or :class:`ingestion.postgres_registry.PostgresDocumentRegistry` shared by replicas);
data-subject rights (:mod:`privacy.rights`) find the documents that mention a person through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class DocumentRecord:
    doc_id: str
    source: str
    content_hash: str  # sha256 of the file bytes
    fingerprint: str  # content + everything else that shapes the indexed chunks (audience, chunking, model)
    chunk_count: int
    audience: tuple[str, ...]
    language: str
    title: str
    ingested_at: str = ""


class DocumentRegistry(Protocol):
    """Catalogue of ingested documents.

    Contract: ``put`` inserts or replaces by ``doc_id``; ``get`` returns None for an unknown id;
    ``under(prefix)`` returns the records whose source is ``prefix`` itself or lies below the folder ``prefix``;
    ``remove`` is a no-op for an unknown id and also drops the document's mentions. ``set_mentions`` replaces the
    pseudonym tokens a document carries; ``mentioning`` returns the documents carrying any of ``tokens``.
    """

    def get(self, doc_id: str) -> DocumentRecord | None: ...

    def put(self, record: DocumentRecord) -> None: ...

    def remove(self, doc_id: str) -> None: ...

    def under(self, prefix: str) -> list[DocumentRecord]: ...

    def all(self) -> list[DocumentRecord]: ...

    def set_mentions(self, doc_id: str, tokens: set[str]) -> None: ...

    def mentioning(self, tokens: set[str]) -> list[DocumentRecord]: ...


def under_pattern(prefix: str) -> tuple[str, str]:
    """What ``under(prefix)`` matches in SQL: the source ``prefix`` itself, or a ``LIKE`` pattern (escape ``\\``) for
    the sources below the folder ``prefix``. For a database whose ``LIKE`` respects case (PostgreSQL; SQLite's
    ignores ASCII case, so its adapter compares a byte-order range instead)."""
    folder = prefix.rstrip("/") + "/"
    escaped = folder.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return prefix, escaped + "%"
