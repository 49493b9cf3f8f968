"""One PostgreSQL connection for an adapter whose state the application's replicas share (the audit trail, the
privacy vault, the document registry): psycopg 3, imported only when such an adapter is opened.

The connection is in autocommit mode and every call of :meth:`PostgresConnection.run` is one explicit transaction,
so other replicas see its changes once it returns. The threads of one process share the connection under a lock; a
connection the server dropped (a restart, a network cut) fails the call that meets it and is replaced on the next
call. psycopg errors become the adapter's own error (``fail``), which names the setting to check, never the DSN.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import psycopg

T = TypeVar("T")
#: (what was being done, the psycopg error or None when psycopg is missing) -> the exception to raise.
Fail = Callable[[str, Exception | None], Exception]


class PostgresConnection:
    """``schema``: statements run once at open, in one transaction under ``pg_advisory_xact_lock(schema_lock)``
    (replicas starting together create the tables once); the tables live in the connection's ``search_path``."""

    def __init__(
        self, dsn: str, timeout_s: float, fail: Fail, schema: Sequence[str] = (), schema_lock: int = 0
    ) -> None:
        try:
            import psycopg
        except ImportError:
            raise fail("importing psycopg (reinstall from requirements.lock)", None) from None
        self._psycopg, self._fail = psycopg, fail
        self._dsn, self._timeout_s, self._closed = dsn, timeout_s, False
        self._lock = threading.RLock()
        self._db = self._connect()
        if schema:
            self.run("creating the tables", lambda db: _create(db, schema, schema_lock))

    def _connect(self) -> psycopg.Connection[tuple[Any, ...]]:
        try:
            db: psycopg.Connection[tuple[Any, ...]] = self._psycopg.connect(
                self._dsn, connect_timeout=max(1, int(self._timeout_s)), autocommit=True
            )
            db.execute(f"SET lock_timeout = '{int(self._timeout_s * 1000)}ms'")
        except self._psycopg.Error as exc:
            raise self._fail("connecting", exc) from None
        return db

    def run(
        self, what: str, work: Callable[[psycopg.Connection[tuple[Any, ...]]], T], *, transaction: bool = True
    ) -> T:
        """``work(connection)`` in one transaction; an exception rolls it back (psycopg's become ``fail``'s).
        ``transaction=False`` runs each statement on its own, for those that refuse a transaction block (VACUUM)."""
        with self._lock:
            if not self._closed and (self._db.broken or self._db.closed):  # the server restarted: connect again
                self._db.close()
                self._db = self._connect()
            try:
                if not transaction:
                    return work(self._db)
                with self._db.transaction():
                    return work(self._db)
            except self._psycopg.Error as exc:
                raise self._fail(what, exc) from None

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._db.close()


def _create(db: psycopg.Connection[tuple[Any, ...]], schema: Sequence[str], lock: int) -> None:
    db.execute("SELECT pg_advisory_xact_lock(%s)", (lock,))
    for statement in schema:
        db.execute(statement)


def describe(exc: Exception | None) -> str:
    """A psycopg error as its class and SQLSTATE (its text may quote the DSN's host or user: left out)."""
    if exc is None:
        return "psycopg missing"
    return f"{type(exc).__name__}, SQLSTATE {getattr(exc, 'sqlstate', None) or 'none'}"
