"""The document registry: which files are indexed, with which content hash and how many chunks.

It lets ingestion skip unchanged files, replace changed ones and delete removed ones; the index stays
the source of truth for content (a registry entry whose chunks are missing from the index is re-ingested).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.core.registry import DocumentRecord

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    chunk_count INTEGER NOT NULL,
    audience TEXT NOT NULL,
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mentions (
    doc_id TEXT NOT NULL,
    token TEXT NOT NULL,
    PRIMARY KEY (doc_id, token)
);
CREATE INDEX IF NOT EXISTS mentions_token ON mentions (token);
"""


def record_of(row: Sequence[Any]) -> DocumentRecord:
    """A stored row (the columns of the ``documents`` table, in order) as a record; the audience is JSON."""
    doc_id, source, content_hash, fingerprint, chunks, audience, language, title, at = row
    audiences = tuple(json.loads(audience))
    return DocumentRecord(doc_id, source, content_hash, fingerprint, int(chunks), audiences, language, title, at)


def row_of(record: DocumentRecord) -> tuple[Any, ...]:
    """The row stored for ``record`` (inverse of :func:`record_of`), stamped now when it has no ingestion time."""
    at = record.ingested_at or datetime.now(UTC).isoformat(timespec="seconds")
    return (record.doc_id, record.source, record.content_hash, record.fingerprint, record.chunk_count,
            json.dumps(list(record.audience)), record.language, record.title, at)  # fmt: skip


class SqliteDocumentRegistry:
    """The :class:`assistant.core.registry.DocumentRegistry` adapter: one SQLite file beside the index."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA secure_delete = ON")  # an overwritten title leaves no bytes in freed pages
        self._db.executescript(_SCHEMA)
        self._db.commit()
        self._lock = threading.Lock()

    def _select(self, where: str = "", args: tuple[str, ...] = ()) -> list[DocumentRecord]:
        with self._lock:
            rows = self._db.execute(f"SELECT * FROM documents {where} ORDER BY source", args).fetchall()
        return [record_of(r) for r in rows]

    def get(self, doc_id: str) -> DocumentRecord | None:
        found = self._select("WHERE doc_id = ?", (doc_id,))
        return found[0] if found else None

    def put(self, record: DocumentRecord) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row_of(record))

    def remove(self, doc_id: str) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            self._db.execute("DELETE FROM mentions WHERE doc_id = ?", (doc_id,))

    def set_mentions(self, doc_id: str, tokens: set[str]) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM mentions WHERE doc_id = ?", (doc_id,))
            self._db.executemany("INSERT INTO mentions VALUES (?, ?)", [(doc_id, t) for t in sorted(tokens)])

    def mentioning(self, tokens: set[str]) -> list[DocumentRecord]:
        if not tokens:
            return []
        marks = ",".join("?" * len(tokens))
        where = f"WHERE doc_id IN (SELECT doc_id FROM mentions WHERE token IN ({marks}))"
        return self._select(where, tuple(sorted(tokens)))

    def under(self, prefix: str) -> list[DocumentRecord]:
        # A range in byte order, not LIKE: SQLite's LIKE ignores ASCII case, and /srv/Docs is not /srv/docs ('/' + 1
        # is '0', so the range holds exactly the sources that start with the folder and its slash).
        folder = prefix.rstrip("/")
        return self._select("WHERE source = ? OR (source >= ? AND source < ?)", (prefix, folder + "/", folder + "0"))

    def all(self) -> list[DocumentRecord]:
        return self._select()

    def close(self) -> None:
        self._db.close()
