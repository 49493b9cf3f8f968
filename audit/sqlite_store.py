"""The default :class:`audit.ports.AuditStore`: one SQLite file (``<data_dir>/audit.sqlite3``).

WAL journal; ``append`` runs inside ``BEGIN IMMEDIATE``, which takes the database's single write lock, so appends
from threads (one connection per store, guarded by a lock) and from other processes (their own connections) are
serialised; a writer waits up to ``busy_timeout_s`` for the lock. ``PRAGMA secure_delete`` overwrites deleted
content with zeros, and :meth:`scrub` checkpoints and truncates the WAL so old page images go too.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from audit.canonical import GENESIS_HASH
from audit.errors import AuditStoreError
from audit.ports import NewRecord, RecordFilter, Sign, StoredRecord
from audit.sql import COLUMNS, append_chained, check_links, stored_record, where_clause

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_records (
    seq INTEGER PRIMARY KEY,
    ts TEXT,
    operation TEXT,
    role TEXT,
    use_case TEXT,
    refused INTEGER,
    header BLOB,
    content_hash TEXT NOT NULL,
    entry_hash TEXT NOT NULL,
    payload BLOB
);
CREATE INDEX IF NOT EXISTS audit_records_ts ON audit_records (ts);
CREATE TABLE IF NOT EXISTS audit_links (seq INTEGER NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (seq, tag));
CREATE INDEX IF NOT EXISTS audit_links_tag ON audit_links (tag);
CREATE TABLE IF NOT EXISTS audit_subject_keys (tag TEXT PRIMARY KEY, wrapped BLOB NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SqliteAuditStore:
    """See the module doc and the contract in :class:`audit.ports.AuditStore`."""

    def __init__(self, path: Path, busy_timeout_s: float = 30.0) -> None:
        self.path = path
        self._lock = threading.RLock()
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not path.exists():
                path.touch(mode=0o600)
            self._db = sqlite3.connect(path, timeout=busy_timeout_s, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA secure_delete = ON")
            self._db.execute("PRAGMA foreign_keys = ON")
            with self._transaction() as db:
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
        except (OSError, sqlite3.Error) as exc:
            raise AuditStoreError(
                f"cannot open the audit log {path} ({exc}): check audit.sqlite_path (ASSISTANT_AUDIT_SQLITE_PATH) "
                "and that its folder is writable"
            ) from None

    def __repr__(self) -> str:
        return f"SqliteAuditStore(path={str(self.path)!r})"

    class _Txn:
        def __init__(self, store: SqliteAuditStore) -> None:
            self.store = store

        def __enter__(self) -> sqlite3.Connection:
            self.store._lock.acquire()
            try:
                self.store._db.execute("BEGIN IMMEDIATE")
            except BaseException:
                self.store._lock.release()
                raise
            return self.store._db

        def __exit__(self, kind: object, *_: object) -> None:
            try:
                self.store._db.execute("ROLLBACK" if kind else "COMMIT")
            finally:
                self.store._lock.release()

    def _transaction(self) -> SqliteAuditStore._Txn:
        return SqliteAuditStore._Txn(self)

    def _fail(self, what: str, exc: sqlite3.Error) -> AuditStoreError:
        return AuditStoreError(
            f"audit log {self.path}: {what} failed ({exc}); if it says 'locked', another writer held the lock "
            "longer than audit.busy_timeout_s; if 'malformed' or 'not a database', the file is damaged: restore it "
            "from a backup, then run `assistant audit verify` against the exported checkpoints"
        )

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """The rows of a query; a damaged or unreadable file becomes :class:`AuditStoreError` naming it."""
        try:
            with self._lock:
                return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self._fail("reading", exc) from None

    def append(self, record: NewRecord, sign: Sign | None = None) -> tuple[int, str]:
        try:
            with self._transaction() as db:
                return append_chained(db.cursor(), record, "?", sign)
        except sqlite3.Error as exc:
            raise self._fail("append", exc) from None

    def writable(self) -> None:
        try:
            with self._transaction():
                pass
        except sqlite3.Error as exc:
            raise self._fail("taking the write lock", exc) from None

    def head(self) -> tuple[int, str]:
        rows = self._read("SELECT seq, entry_hash FROM audit_records ORDER BY seq DESC LIMIT 1")
        return (int(rows[0][0]), rows[0][1]) if rows else (0, GENESIS_HASH)

    def records(
        self, start: int = 1, stop: int | None = None, where: RecordFilter | None = None
    ) -> Iterator[StoredRecord]:
        conditions, params = where_clause(where, "?")
        last = stop if stop is not None else 2**62
        batch = 500
        while True:
            rows = self._read(
                f"SELECT {COLUMNS} FROM audit_records WHERE seq >= ? AND seq <= ?{conditions} ORDER BY seq LIMIT ?",
                [start, last, *params, batch],
            )
            yield from (stored_record(r) for r in rows)
            if len(rows) < batch:
                return
            start = int(rows[-1][0]) + 1

    def tags(self, seq: int) -> list[str]:
        return [r[0] for r in self._read("SELECT tag FROM audit_links WHERE seq = ? ORDER BY tag", (seq,))]

    def seqs_for_tag(self, tag: str) -> list[int]:
        return [int(r[0]) for r in self._read("SELECT seq FROM audit_links WHERE tag = ? ORDER BY seq", (tag,))]

    def first_seq_since(self, ts: str) -> int | None:
        (row,) = self._read("SELECT MIN(seq) FROM audit_records WHERE header IS NOT NULL AND ts >= ?", (ts,))
        return None if row[0] is None else int(row[0])

    def subject_key(self, tag: str) -> bytes | None:
        rows = self._read("SELECT wrapped FROM audit_subject_keys WHERE tag = ?", (tag,))
        return bytes(rows[0][0]) if rows else None

    def put_subject_key(self, tag: str, wrapped: bytes) -> bytes:
        try:
            with self._transaction() as db:
                db.execute(
                    "INSERT INTO audit_subject_keys (tag, wrapped, created_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (tag) DO NOTHING",
                    (tag, wrapped, _now()),
                )
                row = db.execute("SELECT wrapped FROM audit_subject_keys WHERE tag = ?", (tag,)).fetchone()
        except sqlite3.Error as exc:
            raise self._fail("storing a subject key", exc) from None
        return bytes(row[0])

    def shred(self, tag: str, seqs: list[int]) -> list[int]:
        removed: list[int] = []
        try:
            with self._transaction() as db:
                check_links(db.cursor(), tag, seqs, "?")
                db.execute("DELETE FROM audit_subject_keys WHERE tag = ?", (tag,))
                for i in range(0, len(seqs), 500):  # stay far below SQLite's limit on bound parameters
                    part = seqs[i : i + 500]
                    marks = ", ".join("?" * len(part))
                    db.execute(f"DELETE FROM audit_links WHERE seq IN ({marks})", part)
                    rows = db.execute(
                        f"SELECT seq FROM audit_records WHERE payload IS NOT NULL AND seq IN ({marks})", part
                    ).fetchall()
                    db.execute(f"UPDATE audit_records SET payload = NULL WHERE seq IN ({marks})", part)
                    removed.extend(int(r[0]) for r in rows)
        except sqlite3.Error as exc:
            raise self._fail("shredding", exc) from None
        return sorted(removed)

    def purge(self, through_seq: int) -> int:
        try:
            with self._transaction() as db:
                done = db.execute(
                    "UPDATE audit_records SET header = NULL, ts = NULL, operation = NULL, role = NULL, "
                    "use_case = NULL, refused = NULL, payload = NULL WHERE seq <= ? AND header IS NOT NULL",
                    (through_seq,),
                ).rowcount
                db.execute("DELETE FROM audit_links WHERE seq <= ?", (through_seq,))
                db.execute("DELETE FROM audit_subject_keys WHERE tag NOT IN (SELECT DISTINCT tag FROM audit_links)")
        except sqlite3.Error as exc:
            raise self._fail("purge", exc) from None
        return int(done)

    def save_checkpoint(self, size: int, note: str) -> None:
        try:
            with self._transaction() as db:
                db.execute(
                    "INSERT INTO audit_checkpoints (size, note, created_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (size) DO NOTHING",
                    (size, note, _now()),
                )
        except sqlite3.Error as exc:
            raise self._fail("saving a checkpoint", exc) from None

    def checkpoints(self) -> list[str]:
        return [r[0] for r in self._read("SELECT note FROM audit_checkpoints ORDER BY size")]

    def meta(self, name: str) -> str | None:
        rows = self._read("SELECT value FROM audit_meta WHERE name = ?", (name,))
        return str(rows[0][0]) if rows else None

    def put_meta(self, name: str, value: str) -> str:
        try:
            with self._transaction() as db:
                db.execute(
                    "INSERT INTO audit_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", (name, value)
                )
                (stored,) = db.execute("SELECT value FROM audit_meta WHERE name = ?", (name,)).fetchone()
        except sqlite3.Error as exc:
            raise self._fail("storing the key check value", exc) from None
        return str(stored)

    def scrub(self) -> None:
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock:
            self._db.close()
