"""The :class:`assistant.identity.model.UserStore` adapter: SQLite beside the audit store by default, PostgreSQL when
the audit trail is on PostgreSQL (several app replicas then share their users).

Both run the same statements (written with ``?``; psycopg's ``%s`` is substituted); every call is one short
transaction, so other processes (the CLI beside the server) see changes at once.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.core.errors import BackendError, ConfigurationError
from assistant.identity.model import TokenRecord, UserRecord

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS users (
        name TEXT PRIMARY KEY, role TEXT NOT NULL, store TEXT, enabled BOOLEAN NOT NULL, password_hash TEXT,
        created_at TEXT NOT NULL, changed_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS user_tokens (
        token_hash TEXT PRIMARY KEY, token_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, created_at TEXT NOT NULL,
        expires_at TEXT, revoked BOOLEAN NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS user_tokens_name ON user_tokens (name)",
)
_USER_COLUMNS = "name, role, store, enabled, created_at, password_hash IS NOT NULL"


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class SqlUserStore:
    """See the module doc. ``connect`` opens a DB-API connection in autocommit mode; ``mark`` is its parameter mark."""

    def __init__(self, connect: Callable[[], Any], mark: str, where: str) -> None:
        self._where = where  # what to name in error messages (a path, or "PostgreSQL")
        self._mark = mark
        self._lock = threading.Lock()
        try:
            self._db = connect()
            for statement in SCHEMA:
                self._db.execute(statement)
        except Exception as exc:
            raise BackendError(
                f"cannot open the user store ({self._where}: {type(exc).__name__}): check that it is reachable and "
                "writable (ASSISTANT_DATA_DIR, or ASSISTANT_AUDIT_POSTGRES_DSN with the postgres audit backend)"
            ) from None

    @classmethod
    def sqlite(cls, path: Path) -> SqlUserStore:
        def connect() -> sqlite3.Connection:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not path.exists():
                path.touch(mode=0o600)  # password and token hashes: owner only
            db = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode = WAL")
            return db

        return cls(connect, "?", str(path))

    @classmethod
    def postgres(cls, dsn: str) -> SqlUserStore:
        def connect() -> Any:
            import psycopg

            return psycopg.connect(dsn, connect_timeout=10, autocommit=True)

        return cls(connect, "%s", "PostgreSQL")

    def _execute(self, sql: str, params: Sequence[Any]) -> tuple[list[Any], int]:
        """The rows a statement returns and the number of rows it changed."""
        try:
            with self._lock:
                cursor = self._db.execute(sql.replace("?", self._mark), tuple(params))
                return (cursor.fetchall() if cursor.description else []), int(cursor.rowcount)
        except Exception as exc:
            raise BackendError(f"the user store ({self._where}) failed: {type(exc).__name__}") from None

    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self._execute(sql, params)[0]

    def _count(self, sql: str, params: Sequence[Any]) -> int:
        return self._execute(sql, params)[1]

    def add(self, name: str, role: str, store: str | None, password_hash: str | None) -> UserRecord:
        if self.user(name) is not None:
            raise ConfigurationError(
                f"user {name!r} already exists: choose another name, or see 'assistant users list'"
            )
        at = now()
        self._run(
            "INSERT INTO users (name, role, store, enabled, password_hash, created_at, changed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (name, role, store, True, password_hash, at, at),
        )
        return UserRecord(name, role, store, True, at, password_hash is not None)

    def user(self, name: str) -> UserRecord | None:
        rows = self._run(f"SELECT {_USER_COLUMNS} FROM users WHERE name = ?", (name,))
        return _user(rows[0]) if rows else None

    def users(self) -> list[UserRecord]:
        return [_user(r) for r in self._run(f"SELECT {_USER_COLUMNS} FROM users ORDER BY name")]

    def password_hash(self, name: str) -> str | None:
        rows = self._run("SELECT password_hash FROM users WHERE name = ?", (name,))
        return rows[0][0] if rows else None

    def set_password(self, name: str, password_hash: str) -> bool:
        sql = "UPDATE users SET password_hash = ?, changed_at = ? WHERE name = ?"
        return self._count(sql, (password_hash, now(), name)) > 0

    def set_enabled(self, name: str, enabled: bool) -> bool:
        return self._count("UPDATE users SET enabled = ?, changed_at = ? WHERE name = ?", (enabled, now(), name)) > 0

    def add_token(self, record: TokenRecord, token_hash: str) -> None:
        self._run(
            "INSERT INTO user_tokens (token_hash, token_id, name, created_at, expires_at, revoked) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (token_hash, record.token_id, record.user, record.created_at, record.expires_at, record.revoked),
        )

    def token(self, token_hash: str) -> TokenRecord | None:
        rows = self._run(
            "SELECT token_id, name, created_at, expires_at, revoked FROM user_tokens WHERE token_hash = ?",
            (token_hash,),
        )
        return TokenRecord(rows[0][0], rows[0][1], rows[0][2], rows[0][3], bool(rows[0][4])) if rows else None

    def revoke_tokens(self, name: str) -> int:
        return self._count("UPDATE user_tokens SET revoked = ? WHERE name = ? AND NOT revoked", (True, name))

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _user(row: Sequence[Any]) -> UserRecord:
    name, role, store, enabled, created_at, has_password = row
    return UserRecord(name, role, store, bool(enabled), created_at, bool(has_password))
