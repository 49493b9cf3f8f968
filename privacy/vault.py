"""The :class:`privacy.ports.Vault` adapter: an encrypted SQLite file apart from the index.

Envelope encryption, one data key per subject (one normalized value = one token), as :mod:`privacy.vault_crypto`
describes it: the value under the subject's data key, the data key wrapped by the key-encryption key (KEK:
``vault_key`` or a generated ``secrets_dir/vault.key``) whose id is stored so :meth:`SqliteVault.rotate` can re-wrap
every data key without touching values, and a blind index (keyed by a key derived from the pseudonym key) to find a
subject by value without decrypting anything.

:meth:`SqliteVault.forget` crypto-shreds: the wrapped key, nonce and ciphertext are deleted (``PRAGMA secure_delete``
overwrites the freed pages) and a tombstone keeps token, type, blind index and deletion time, so re-ingestion can
refuse to bring the person back (``put`` returns False). Several replicas share
:class:`privacy.postgres_vault.PostgresVault` instead (``privacy.vault_backend``).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from assistant.core.tokens import TOKEN_PATTERN
from privacy.busy import retrying
from privacy.errors import VaultError
from privacy.keys import Secret, resolve_key
from privacy.ports import AccessHook
from privacy.pseudonymizer import pseudonym_key
from privacy.settings import PrivacySettings
from privacy.vault_crypto import Sealed, VaultCrypto, derive_index_key, key_id
from privacy.vault_keys import check_vault_keys, rotated_away

__all__ = ["VAULT_KEY_FILE", "SqliteVault", "count_subjects", "derive_index_key", "key_id", "now", "vault_keys"]

VAULT_KEY_FILE = "vault.key"
T = TypeVar("T")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS subjects (
    token TEXT PRIMARY KEY,
    entity_type TEXT NOT NULL,
    blind_index TEXT NOT NULL,
    kek_id TEXT,
    key_nonce BLOB,
    wrapped_key BLOB,
    nonce BLOB,
    ciphertext BLOB,
    created_at TEXT NOT NULL,
    forgotten_at TEXT
);
CREATE INDEX IF NOT EXISTS subjects_blind_index ON subjects (blind_index);
CREATE TABLE IF NOT EXISTS vault_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def now() -> str:
    """The creation and deletion times the vaults store (ISO 8601, UTC, seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def vault_keys(settings: PrivacySettings) -> tuple[Secret, Secret]:
    """The KEK (``vault_key`` or generated) and the blind-index key (derived from the pseudonym key)."""
    kek = resolve_key(settings.vault_key, settings.secrets_dir, VAULT_KEY_FILE, "vault_key")
    return kek, derive_index_key(pseudonym_key(settings))


class SqliteVault:
    """See the module doc. ``on_get(token, entity_type)`` is called after each successful read (get, export,
    reidentify) so the caller can audit re-identification; the caller checks the asker's role first."""

    def __init__(
        self,
        path: Path,
        kek: Secret,
        index_key: Secret,
        on_get: AccessHook | None = None,
        busy_timeout_s: float = 10.0,
        busy_attempts: int = 3,
    ) -> None:
        self._crypto = VaultCrypto(kek, index_key, f"file {path}")
        self.path = path
        self._on_get = on_get
        self._busy = (busy_attempts, busy_timeout_s)
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not path.exists():
                path.touch(mode=0o600)
            self._db = sqlite3.connect(path, timeout=busy_timeout_s, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA secure_delete = ON")
            self._db.executescript(_SCHEMA)
            try:
                retrying(lambda: check_vault_keys(self._db, path, index_key, self._crypto.kek_id), path, *self._busy)
            except VaultError:
                self._db.close()
                raise
        except (OSError, sqlite3.Error) as exc:
            raise VaultError(f"cannot open the vault {path} ({exc}): check privacy.vault_path and its folder") from None

    @classmethod
    def from_settings(cls, settings: PrivacySettings, data_dir: Path, on_get: AccessHook | None = None) -> SqliteVault:
        """``settings.vault_path`` or ``<data_dir>/vault/vault.sqlite``; KEK from ``vault_key`` or generated."""
        path = settings.vault_path or data_dir / "vault" / "vault.sqlite"
        kek, index_key = vault_keys(settings)
        return cls(path, kek, index_key, on_get, settings.vault_busy_timeout_s, settings.vault_busy_attempts)

    def __repr__(self) -> str:
        return f"SqliteVault(path={str(self.path)!r}, key_id={self._crypto.kek_id!r})"

    def close(self) -> None:
        self._db.close()

    def blind_index(self, entity_type: str, value: str) -> str:
        return self._crypto.blind_index(entity_type, value)

    def _row(self, token: str) -> sqlite3.Row | None:
        self._db.row_factory = sqlite3.Row
        row: sqlite3.Row | None = self._db.execute("SELECT * FROM subjects WHERE token = ?", (token,)).fetchone()
        return row

    def put(self, token: str, entity_type: str, value: str) -> bool:
        index = self.blind_index(entity_type, value)
        sealed = self._crypto.seal(token, value)
        with self._lock:  # threads of this process; BEGIN IMMEDIATE: other processes (ingestion beside the chat)
            return self._write(lambda: self._insert(token, entity_type, index, sealed))

    def _write(self, work: Callable[[], T]) -> T:
        return retrying(work, self.path, *self._busy)

    def _insert(self, token: str, entity_type: str, index: str, sealed: Sealed) -> bool:
        """One immediate transaction: stored (True), already there, or refused for a forgotten subject (False)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            current = self._db.execute("SELECT value FROM vault_meta WHERE name = 'kek_id'").fetchone()
            rotated_away(str(self.path), None if current is None else str(current[0]), sealed.kek_id)
            row = self._row(token)
            if row is not None:
                stored = row["forgotten_at"] is None
            elif self._db.execute(
                "SELECT 1 FROM subjects WHERE blind_index = ? AND forgotten_at IS NOT NULL", (index,)
            ).fetchone():
                stored = False  # a forgotten subject never comes back
            else:
                self._db.execute(
                    "INSERT INTO subjects VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                    (token, entity_type, index, *sealed, now()),
                )
                stored = True
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return stored

    def get(self, token: str) -> str | None:
        with self._lock:
            row = self._row(token)
            if row is None or row["forgotten_at"] is not None:
                return None
            value = self._crypto.decrypt(row)
        if self._on_get is not None:
            self._on_get(token, row["entity_type"])
        return value

    def find(self, value: str, entity_type: str | None = None, *, include_forgotten: bool = False) -> list[str]:
        indexes = self._crypto.blind_indexes(value, entity_type)
        marks = ",".join("?" * len(indexes))
        live = "" if include_forgotten else "forgotten_at IS NULL AND "
        with self._lock:
            rows = self._db.execute(
                f"SELECT token FROM subjects WHERE {live}blind_index IN ({marks}) ORDER BY token", indexes
            ).fetchall()
        return [r[0] for r in rows]

    def forget(self, token: str) -> bool:
        with self._lock:
            done = self._write(
                lambda: self._db.execute(
                    "UPDATE subjects SET kek_id = NULL, key_nonce = NULL, wrapped_key = NULL, nonce = NULL, "
                    "ciphertext = NULL, forgotten_at = ? WHERE token = ? AND forgotten_at IS NULL",
                    (now(), token),
                )
            )
            return done.rowcount == 1

    def is_forgotten(self, value_or_token: str, entity_type: str | None = None) -> bool:
        """True for a forgotten token, or for a value whose subject was forgotten (any type if None)."""
        with self._lock:
            if TOKEN_PATTERN.fullmatch(value_or_token):
                row = self._row(value_or_token)
                return row is not None and row["forgotten_at"] is not None
        indexes = self._crypto.blind_indexes(value_or_token, entity_type)
        marks = ",".join("?" * len(indexes))
        query = f"SELECT 1 FROM subjects WHERE forgotten_at IS NOT NULL AND blind_index IN ({marks})"
        with self._lock:
            return self._db.execute(query, indexes).fetchone() is not None

    def export(self, token: str) -> dict[str, Any]:
        """Everything the vault holds about ``token`` (the value included, for a right-of-access answer)."""
        with self._lock:
            row = self._row(token)
            if row is None:
                return {}
            value = None if row["forgotten_at"] else self._crypto.decrypt(row)
        if value is not None and self._on_get is not None:
            self._on_get(token, row["entity_type"])
        return {"token": token, "entity_type": row["entity_type"], "value": value,
                "created_at": row["created_at"], "forgotten_at": row["forgotten_at"]}  # fmt: skip

    def rotate(self, new_kek: Secret) -> int:
        """Re-wrap every data key under ``new_kek`` in one transaction; values are not re-encrypted. Returns the
        number of keys re-wrapped. Store ``new_kek`` (setting or key file) before the next start."""
        with self._lock:
            self._db.row_factory = sqlite3.Row
            self._db.execute("BEGIN IMMEDIATE")  # before the read: another process's put cannot slip in between
            try:
                rows = self._db.execute("SELECT * FROM subjects WHERE forgotten_at IS NULL").fetchall()
                for row in rows:
                    self._db.execute(
                        "UPDATE subjects SET kek_id = ?, key_nonce = ?, wrapped_key = ? WHERE token = ?",
                        (*self._crypto.rewrap(row, new_kek), row["token"]),
                    )
                self._db.execute("INSERT OR REPLACE INTO vault_meta VALUES ('kek_id', ?)", (key_id(new_kek),))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._crypto.use(new_kek)
        return len(rows)

    def rows(self) -> list[dict[str, Any]]:
        """Every stored row as it is (values still encrypted, tombstones included): what a migration copies."""
        with self._lock:
            self._db.row_factory = sqlite3.Row
            return [dict(r) for r in self._db.execute("SELECT * FROM subjects ORDER BY token")]

    def stats(self) -> dict[str, int]:
        """``active`` and ``forgotten`` subjects, and active subjects per entity type."""
        with self._lock:
            rows = self._db.execute(
                "SELECT entity_type, forgotten_at IS NULL, COUNT(*) FROM subjects GROUP BY 1, 2"
            ).fetchall()
        return count_subjects(rows)


def count_subjects(rows: list[tuple[str, Any, int]]) -> dict[str, int]:
    """:meth:`SqliteVault.stats` from ``(entity_type, active, count)`` rows."""
    out = {"active": 0, "forgotten": 0}
    for entity_type, active, count in rows:
        out["active" if active else "forgotten"] += count
        if active:
            out[entity_type] = out.get(entity_type, 0) + count
    return out
