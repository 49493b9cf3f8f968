"""The multi-instance :class:`audit.ports.AuditStore`: PostgreSQL through psycopg 3.

Every application instance appends to the same tables. ``append`` runs in one transaction that first takes
``pg_advisory_xact_lock(APPEND_LOCK)``: appends from every connection, process and host are serialised and the
lock is released at commit, after which the next holder's ``SELECT`` of the head sees the committed row (READ
COMMITTED takes a fresh snapshot per statement). The primary key on ``seq`` backs this up: a second writer can never
store the same seq. The tables live in the connection's ``search_path`` schema (tests use one schema each).

Deleted rows stay in PostgreSQL's heap and WAL until vacuumed and recycled; :meth:`scrub` runs ``VACUUM`` on the
audit tables, but erased payloads rely on crypto-shredding (their keys are gone), not on overwriting.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from assistant.core.postgres import PostgresConnection, describe
from audit.canonical import GENESIS_HASH
from audit.errors import AuditSetupError, AuditStoreError
from audit.ports import NewRecord, RecordFilter, Sign, StoredRecord
from audit.sql import COLUMNS, append_chained, check_links, stored_record, where_clause

if TYPE_CHECKING:
    import psycopg

APPEND_LOCK = 0x61756469742D6C67  # "audit-lg": one advisory lock key for the append path
SCHEMA_LOCK = APPEND_LOCK + 1
SCHEMA = [
    """CREATE TABLE IF NOT EXISTS audit_records (
        seq BIGINT PRIMARY KEY,
        ts TEXT,
        operation TEXT,
        role TEXT,
        use_case TEXT,
        refused BOOLEAN,
        header BYTEA,
        content_hash TEXT NOT NULL,
        entry_hash TEXT NOT NULL,
        payload BYTEA
    )""",
    "CREATE INDEX IF NOT EXISTS audit_records_ts ON audit_records (ts)",
    """CREATE TABLE IF NOT EXISTS audit_links (
        seq BIGINT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (seq, tag)
    )""",
    "CREATE INDEX IF NOT EXISTS audit_links_tag ON audit_links (tag)",
    """CREATE TABLE IF NOT EXISTS audit_subject_keys (
        tag TEXT PRIMARY KEY, wrapped BYTEA NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )""",
    """CREATE TABLE IF NOT EXISTS audit_checkpoints (
        size BIGINT PRIMARY KEY, note TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )""",
    "CREATE TABLE IF NOT EXISTS audit_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
]


def _fail(what: str, exc: Exception | None) -> AuditStoreError | AuditSetupError:
    if exc is None:
        return AuditSetupError("the psycopg package is missing: reinstall from requirements.lock")
    return AuditStoreError(
        f"PostgreSQL audit log: {what} failed ({describe(exc)}); check audit.postgres_dsn "
        "(ASSISTANT_AUDIT_POSTGRES_DSN) and that the server is reachable, or audit.busy_timeout_s after a lock timeout"
    )


class PostgresAuditStore:
    """See the module doc and the contract in :class:`audit.ports.AuditStore`. One connection per store
    (:class:`assistant.core.postgres.PostgresConnection`: autocommit with explicit transactions, shared by the
    threads of one instance under a lock, replaced after the server dropped it); other instances use their own."""

    def __init__(self, dsn: str, busy_timeout_s: float = 30.0) -> None:
        self._pg = PostgresConnection(dsn, busy_timeout_s, _fail, SCHEMA, SCHEMA_LOCK)

    def __repr__(self) -> str:
        return "PostgresAuditStore(dsn='**********')"

    def _run(self, what: str, work: Any) -> Any:
        return self._pg.run(what, work)

    def append(self, record: NewRecord, sign: Sign | None = None) -> tuple[int, str]:
        def work(db: psycopg.Connection[tuple[Any, ...]]) -> tuple[int, str]:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (APPEND_LOCK,))  # purge and shred take it too
            with db.cursor() as cursor:
                return append_chained(cursor, record, "%s", sign)

        result: tuple[int, str] = self._run("append", work)
        return result

    def writable(self) -> None:
        row = self._run(
            "checking it can write", lambda db: db.execute("SELECT current_setting('transaction_read_only')").fetchone()
        )
        if row[0] == "on":
            raise AuditStoreError(
                "the PostgreSQL audit database is read-only (a standby, or default_transaction_read_only): point "
                "audit.postgres_dsn (ASSISTANT_AUDIT_POSTGRES_DSN) at the primary"
            )

    def head(self) -> tuple[int, str]:
        row = self._run(
            "reading the head",
            lambda db: db.execute("SELECT seq, entry_hash FROM audit_records ORDER BY seq DESC LIMIT 1").fetchone(),
        )
        return (int(row[0]), row[1]) if row else (0, GENESIS_HASH)

    def records(
        self, start: int = 1, stop: int | None = None, where: RecordFilter | None = None
    ) -> Iterator[StoredRecord]:
        conditions, params = where_clause(where, "%s")
        last = stop if stop is not None else 2**62
        batch = 500
        while True:
            rows = self._run(
                "reading records",
                lambda db, s=start: db.execute(
                    f"SELECT {COLUMNS} FROM audit_records WHERE seq >= %s AND seq <= %s{conditions} "
                    "ORDER BY seq LIMIT %s",
                    [s, last, *params, batch],
                ).fetchall(),
            )
            yield from (stored_record(r) for r in rows)
            if len(rows) < batch:
                return
            start = int(rows[-1][0]) + 1

    def tags(self, seq: int) -> list[str]:
        rows = self._run(
            "reading links",
            lambda db: db.execute("SELECT tag FROM audit_links WHERE seq = %s ORDER BY tag", (seq,)).fetchall(),
        )
        return [r[0] for r in rows]

    def seqs_for_tag(self, tag: str) -> list[int]:
        rows = self._run(
            "reading links",
            lambda db: db.execute("SELECT seq FROM audit_links WHERE tag = %s ORDER BY seq", (tag,)).fetchall(),
        )
        return [int(r[0]) for r in rows]

    def first_seq_since(self, ts: str) -> int | None:
        row = self._run(
            "planning a purge",
            lambda db: db.execute(
                "SELECT MIN(seq) FROM audit_records WHERE header IS NOT NULL AND ts >= %s", (ts,)
            ).fetchone(),
        )
        return None if row[0] is None else int(row[0])

    def subject_key(self, tag: str) -> bytes | None:
        row = self._run(
            "reading a subject key",
            lambda db: db.execute("SELECT wrapped FROM audit_subject_keys WHERE tag = %s", (tag,)).fetchone(),
        )
        return None if row is None else bytes(row[0])

    def put_subject_key(self, tag: str, wrapped: bytes) -> bytes:
        def work(db: psycopg.Connection[tuple[Any, ...]]) -> bytes:
            db.execute(
                "INSERT INTO audit_subject_keys (tag, wrapped) VALUES (%s, %s) ON CONFLICT (tag) DO NOTHING",
                (tag, wrapped),
            )
            row = db.execute("SELECT wrapped FROM audit_subject_keys WHERE tag = %s", (tag,)).fetchone()
            return bytes(row[0]) if row else wrapped

        result: bytes = self._run("storing a subject key", work)
        return result

    def shred(self, tag: str, seqs: list[int]) -> list[int]:
        def work(db: psycopg.Connection[tuple[Any, ...]]) -> list[int]:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (APPEND_LOCK,))  # serialised with appends
            with db.cursor() as cursor:
                check_links(cursor, tag, seqs, "%s")
            db.execute("DELETE FROM audit_subject_keys WHERE tag = %s", (tag,))
            db.execute("DELETE FROM audit_links WHERE seq = ANY(%s)", (seqs,))
            rows = db.execute(
                "UPDATE audit_records SET payload = NULL WHERE seq = ANY(%s) AND payload IS NOT NULL RETURNING seq",
                (seqs,),
            ).fetchall()
            return sorted(int(r[0]) for r in rows)

        result: list[int] = self._run("shredding", work)
        return result

    def purge(self, through_seq: int) -> int:
        def work(db: psycopg.Connection[tuple[Any, ...]]) -> int:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (APPEND_LOCK,))  # serialised with appends
            done = db.execute(
                "UPDATE audit_records SET header = NULL, ts = NULL, operation = NULL, role = NULL, use_case = NULL, "
                "refused = NULL, payload = NULL WHERE seq <= %s AND header IS NOT NULL",
                (through_seq,),
            ).rowcount
            db.execute("DELETE FROM audit_links WHERE seq <= %s", (through_seq,))
            db.execute(
                "DELETE FROM audit_subject_keys k WHERE NOT EXISTS (SELECT 1 FROM audit_links w WHERE w.tag = k.tag)"
            )
            return int(done)

        result: int = self._run("purge", work)
        return result

    def save_checkpoint(self, size: int, note: str) -> None:
        self._run(
            "saving a checkpoint",
            lambda db: db.execute(
                "INSERT INTO audit_checkpoints (size, note) VALUES (%s, %s) ON CONFLICT (size) DO NOTHING",
                (size, note),
            ),
        )

    def checkpoints(self) -> list[str]:
        rows = self._run(
            "reading checkpoints",
            lambda db: db.execute("SELECT note FROM audit_checkpoints ORDER BY size").fetchall(),
        )
        return [r[0] for r in rows]

    def meta(self, name: str) -> str | None:
        row = self._run(
            "reading the key check value",
            lambda db: db.execute("SELECT value FROM audit_meta WHERE name = %s", (name,)).fetchone(),
        )
        return None if row is None else str(row[0])

    def put_meta(self, name: str, value: str) -> str:
        def work(db: psycopg.Connection[tuple[Any, ...]]) -> str:
            db.execute(
                "INSERT INTO audit_meta (name, value) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING", (name, value)
            )
            row = db.execute("SELECT value FROM audit_meta WHERE name = %s", (name,)).fetchone()
            return str(row[0]) if row else value

        result: str = self._run("storing the key check value", work)
        return result

    def scrub(self) -> None:
        def work(db: psycopg.Connection[tuple[Any, ...]]) -> None:
            for table in ("audit_records", "audit_links", "audit_subject_keys"):
                db.execute(f"VACUUM {table}")

        self._pg.run("VACUUM", work, transaction=False)  # VACUUM cannot run inside a transaction block

    def close(self) -> None:
        self._pg.close()
