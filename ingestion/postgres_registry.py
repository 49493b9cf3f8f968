"""The :class:`assistant.core.registry.DocumentRegistry` the application's replicas share: PostgreSQL through psycopg 3
(``ingestion.registry_backend = "postgres"``, in the database of ``audit.postgres_dsn``).

The same semantics as :class:`ingestion.registry.SqliteDocumentRegistry`: ``put`` replaces the record with the same
``doc_id`` and, like SQLite's ``INSERT OR REPLACE`` on the UNIQUE ``source``, deletes a record of another ``doc_id``
with the same source; records come back ordered by source in byte order (``COLLATE "C"``, as SQLite compares).
Every write is one transaction under one advisory lock (ingestion writes are few; two replicas replacing records of
one source never meet a unique violation). The tables (``registry_documents``, ``registry_mentions``) live in the
connection's ``search_path`` schema, created under an advisory lock by the first replica.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.core.errors import BackendError
from assistant.core.postgres import PostgresConnection, describe
from assistant.core.registry import DocumentRecord, under_pattern
from ingestion.registry import record_of, row_of

if TYPE_CHECKING:
    import psycopg

    Db = psycopg.Connection[tuple[Any, ...]]

WRITE_LOCK = 0x72656769737472  # "registr": every write
SCHEMA_LOCK = WRITE_LOCK + 1
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS registry_documents (
        doc_id TEXT PRIMARY KEY,
        source TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        chunk_count INTEGER NOT NULL,
        audience TEXT NOT NULL,
        language TEXT NOT NULL,
        title TEXT NOT NULL,
        ingested_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS registry_mentions (
        doc_id TEXT NOT NULL, token TEXT NOT NULL, PRIMARY KEY (doc_id, token)
    )""",
    "CREATE INDEX IF NOT EXISTS registry_mentions_token ON registry_mentions (token)",
)
_COLUMNS = "doc_id, source, content_hash, fingerprint, chunk_count, audience, language, title, ingested_at"


def _fail(what: str, exc: Exception | None) -> BackendError:
    return BackendError(
        f"the PostgreSQL document registry: {what} failed ({describe(exc)}); check audit.postgres_dsn "
        "(ASSISTANT_AUDIT_POSTGRES_DSN, used by ingestion.registry_backend postgres) and that the server is reachable"
    )


class PostgresDocumentRegistry:
    """See the module doc. One connection per registry, shared by the threads of one process."""

    def __init__(self, dsn: str, busy_timeout_s: float = 30.0) -> None:
        self._pg = PostgresConnection(dsn, busy_timeout_s, _fail, SCHEMA, SCHEMA_LOCK)

    def __repr__(self) -> str:
        return "PostgresDocumentRegistry(dsn='**********')"

    def _select(self, where: str = "", args: tuple[Any, ...] = ()) -> list[DocumentRecord]:
        sql = f'SELECT {_COLUMNS} FROM registry_documents {where} ORDER BY source COLLATE "C"'
        rows = self._pg.run("reading records", lambda db: db.execute(sql, args).fetchall())
        return [record_of(r) for r in rows]

    def _write(self, what: str, work: Any) -> None:
        def locked(db: Db) -> None:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            work(db)

        self._pg.run(what, locked)

    def get(self, doc_id: str) -> DocumentRecord | None:
        found = self._select("WHERE doc_id = %s", (doc_id,))
        return found[0] if found else None

    def put(self, record: DocumentRecord) -> None:
        values = row_of(record)

        def work(db: Db) -> None:
            # SQLite's INSERT OR REPLACE also deletes the row whose UNIQUE source conflicts (its mentions stay)
            db.execute(
                "DELETE FROM registry_documents WHERE source = %s AND doc_id <> %s", (record.source, record.doc_id)
            )
            db.execute(
                f"INSERT INTO registry_documents ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (doc_id) DO UPDATE SET source = EXCLUDED.source, content_hash = EXCLUDED.content_hash, "
                "fingerprint = EXCLUDED.fingerprint, chunk_count = EXCLUDED.chunk_count, "
                "audience = EXCLUDED.audience, language = EXCLUDED.language, title = EXCLUDED.title, "
                "ingested_at = EXCLUDED.ingested_at",
                values,
            )

        self._write("storing a record", work)

    def remove(self, doc_id: str) -> None:
        def work(db: Db) -> None:
            db.execute("DELETE FROM registry_documents WHERE doc_id = %s", (doc_id,))
            db.execute("DELETE FROM registry_mentions WHERE doc_id = %s", (doc_id,))

        self._write("removing a record", work)

    def set_mentions(self, doc_id: str, tokens: set[str]) -> None:
        def work(db: Db) -> None:
            db.execute("DELETE FROM registry_mentions WHERE doc_id = %s", (doc_id,))
            with db.cursor() as cursor:
                rows = [(doc_id, t) for t in sorted(tokens)]
                cursor.executemany("INSERT INTO registry_mentions (doc_id, token) VALUES (%s, %s)", rows)

        self._write("storing mentions", work)

    def mentioning(self, tokens: set[str]) -> list[DocumentRecord]:
        if not tokens:
            return []
        where = "WHERE doc_id IN (SELECT doc_id FROM registry_mentions WHERE token = ANY(%s))"
        return self._select(where, (sorted(tokens),))

    def under(self, prefix: str) -> list[DocumentRecord]:
        return self._select("WHERE source = %s OR source LIKE %s ESCAPE '\\'", under_pattern(prefix))

    def all(self) -> list[DocumentRecord]:
        return self._select()

    def close(self) -> None:
        self._pg.close()
