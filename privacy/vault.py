"""The :class:`privacy.ports.Vault` adapter: an encrypted SQLite file apart from the index.

Envelope encryption, one data key per subject (one normalized value = one token):

- the value is encrypted with AES-256-GCM under the subject's random data key (96-bit random nonce,
  associated data = the token);
- the data key is wrapped (AES-256-GCM) by the key-encryption key (KEK: ``vault_key`` or a generated
  ``secrets_dir/vault.key``), associated data = token + KEK id; the KEK id (a keyed fingerprint, not the key)
  is stored so :meth:`SqliteVault.rotate` can re-wrap every data key under a new KEK without touching values;
- a blind index, HMAC-SHA256 of type + normalized value under a key derived from the pseudonym key (HKDF),
  finds a subject by value without decrypting anything, and survives KEK rotation;
- :meth:`SqliteVault.forget` crypto-shreds: the wrapped key, nonce and ciphertext are deleted
  (``PRAGMA secure_delete`` overwrites the freed pages) and a tombstone keeps token, type, blind index and
  deletion time, so re-ingestion can refuse to bring the person back (``put`` returns False).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from assistant.core.tokens import TOKEN_PATTERN
from privacy.busy import retrying
from privacy.entities import PSEUDONYMIZED_ENTITIES
from privacy.errors import VaultError
from privacy.keys import Secret, resolve_key
from privacy.normalize import normalize
from privacy.ports import AccessHook
from privacy.pseudonymizer import pseudonym_key
from privacy.settings import PrivacySettings
from privacy.vault_keys import check_vault_keys

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


def derive_index_key(pseudonym: Secret) -> Secret:
    """The blind-index key, derived (HKDF-SHA256) from the pseudonym key: stable across KEK rotations."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"retail-assistant vault blind index v1")
    return Secret(hkdf.derive(pseudonym.reveal()))


def key_id(kek: Secret) -> str:
    """A fingerprint naming a KEK without revealing it."""
    return hmac.new(kek.reveal(), b"retail-assistant vault key id", hashlib.sha256).hexdigest()[:16]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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
        if len(kek.reveal()) != 32:
            raise VaultError("the vault key-encryption key must be 32 bytes (AES-256): fix privacy.vault_key")
        self.path = path
        self._kek, self._kek_id = kek, key_id(kek)
        self._index_key = index_key
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
                retrying(lambda: check_vault_keys(self._db, path, self._index_key, self._kek_id), path, *self._busy)
            except VaultError:
                self._db.close()
                raise
        except (OSError, sqlite3.Error) as exc:
            raise VaultError(f"cannot open the vault {path} ({exc}): check privacy.vault_path and its folder") from None

    @classmethod
    def from_settings(cls, settings: PrivacySettings, data_dir: Path, on_get: AccessHook | None = None) -> SqliteVault:
        """``settings.vault_path`` or ``<data_dir>/vault/vault.sqlite``; KEK from ``vault_key`` or generated."""
        path = settings.vault_path or data_dir / "vault" / "vault.sqlite"
        kek = resolve_key(settings.vault_key, settings.secrets_dir, VAULT_KEY_FILE, "vault_key")
        index_key = derive_index_key(pseudonym_key(settings))
        return cls(path, kek, index_key, on_get, settings.vault_busy_timeout_s, settings.vault_busy_attempts)

    def __repr__(self) -> str:
        return f"SqliteVault(path={str(self.path)!r}, key_id={self._kek_id!r})"

    def close(self) -> None:
        self._db.close()

    def blind_index(self, entity_type: str, value: str) -> str:
        message = f"{entity_type}\x1f{normalize(entity_type, value)}".encode()
        return hmac.new(self._index_key.reveal(), message, hashlib.sha256).hexdigest()

    def _row(self, token: str) -> sqlite3.Row | None:
        self._db.row_factory = sqlite3.Row
        row: sqlite3.Row | None = self._db.execute("SELECT * FROM subjects WHERE token = ?", (token,)).fetchone()
        return row

    def put(self, token: str, entity_type: str, value: str) -> bool:
        index = self.blind_index(entity_type, value)
        data_key = AESGCM.generate_key(bit_length=256)
        nonce, key_nonce = os.urandom(12), os.urandom(12)
        ciphertext = AESGCM(data_key).encrypt(nonce, value.encode(), token.encode())
        wrapped = AESGCM(self._kek.reveal()).encrypt(key_nonce, data_key, (token + self._kek_id).encode())
        with self._lock:  # threads of this process; BEGIN IMMEDIATE: other processes (ingestion beside the chat)
            return self._write(lambda: self._insert(token, entity_type, index, (key_nonce, wrapped, nonce, ciphertext)))

    def _write(self, work: Callable[[], T]) -> T:
        return retrying(work, self.path, *self._busy)

    def _insert(self, token: str, entity_type: str, index: str, sealed: tuple[bytes, bytes, bytes, bytes]) -> bool:
        """One immediate transaction: stored (True), already there, or refused for a forgotten subject (False)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            row = self._row(token)
            if row is not None:
                stored = row["forgotten_at"] is None
            elif self._db.execute(
                "SELECT 1 FROM subjects WHERE blind_index = ? AND forgotten_at IS NOT NULL", (index,)
            ).fetchone():
                stored = False  # a forgotten subject never comes back
            else:
                key_nonce, wrapped, nonce, ciphertext = sealed
                self._db.execute(
                    "INSERT INTO subjects VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                    (token, entity_type, index, self._kek_id, key_nonce, wrapped, nonce, ciphertext, _now()),
                )
                stored = True
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return stored

    def _unwrap(self, row: sqlite3.Row, kek: Secret) -> bytes:
        if row["kek_id"] != key_id(kek):
            raise VaultError(
                f"vault entry wrapped by key id {row['kek_id']}, the configured vault key has id {key_id(kek)}: "
                "set privacy.vault_key back to the key the vault was written with, or rotate to the new one"
            )
        try:
            return AESGCM(kek.reveal()).decrypt(
                row["key_nonce"], row["wrapped_key"], (row["token"] + row["kek_id"]).encode()
            )
        except InvalidTag:
            raise VaultError(f"vault entry cannot be decrypted (file {self.path} altered?)") from None

    def _decrypt(self, row: sqlite3.Row) -> str:
        data_key = self._unwrap(row, self._kek)
        try:
            plain = AESGCM(data_key).decrypt(row["nonce"], row["ciphertext"], row["token"].encode())
        except InvalidTag:
            raise VaultError(f"vault entry cannot be decrypted (file {self.path} altered?)") from None
        return plain.decode()

    def get(self, token: str) -> str | None:
        with self._lock:
            row = self._row(token)
            if row is None or row["forgotten_at"] is not None:
                return None
            value = self._decrypt(row)
        if self._on_get is not None:
            self._on_get(token, row["entity_type"])
        return value

    def find(self, value: str, entity_type: str | None = None, *, include_forgotten: bool = False) -> list[str]:
        types = [entity_type] if entity_type else list(PSEUDONYMIZED_ENTITIES)
        indexes = [self.blind_index(t, value) for t in types]
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
                    (_now(), token),
                )
            )
            return done.rowcount == 1

    def is_forgotten(self, value_or_token: str, entity_type: str | None = None) -> bool:
        """True for a forgotten token, or for a value whose subject was forgotten (any type if None)."""
        with self._lock:
            if TOKEN_PATTERN.fullmatch(value_or_token):
                row = self._row(value_or_token)
                return row is not None and row["forgotten_at"] is not None
        types = [entity_type] if entity_type else list(PSEUDONYMIZED_ENTITIES)
        indexes = [self.blind_index(t, value_or_token) for t in types]
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
            value = None if row["forgotten_at"] else self._decrypt(row)
        if value is not None and self._on_get is not None:
            self._on_get(token, row["entity_type"])
        return {"token": token, "entity_type": row["entity_type"], "value": value,
                "created_at": row["created_at"], "forgotten_at": row["forgotten_at"]}  # fmt: skip

    def rotate(self, new_kek: Secret) -> int:
        """Re-wrap every data key under ``new_kek`` in one transaction; values are not re-encrypted. Returns the
        number of keys re-wrapped. Store ``new_kek`` (setting or key file) before the next start."""
        new_id = key_id(new_kek)
        with self._lock:
            self._db.row_factory = sqlite3.Row
            rows = self._db.execute("SELECT * FROM subjects WHERE forgotten_at IS NULL").fetchall()
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for row in rows:
                    data_key = self._unwrap(row, self._kek)
                    key_nonce = os.urandom(12)
                    wrapped = AESGCM(new_kek.reveal()).encrypt(key_nonce, data_key, (row["token"] + new_id).encode())
                    self._db.execute(
                        "UPDATE subjects SET kek_id = ?, key_nonce = ?, wrapped_key = ? WHERE token = ?",
                        (new_id, key_nonce, wrapped, row["token"]),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._kek, self._kek_id = new_kek, new_id
        return len(rows)

    def stats(self) -> dict[str, int]:
        """``active`` and ``forgotten`` subjects, and active subjects per entity type."""
        with self._lock:
            rows = self._db.execute(
                "SELECT entity_type, forgotten_at IS NULL, COUNT(*) FROM subjects GROUP BY 1, 2"
            ).fetchall()
        out = {"active": 0, "forgotten": 0}
        for entity_type, active, count in rows:
            out["active" if active else "forgotten"] += count
            if active:
                out[entity_type] = out.get(entity_type, 0) + count
        return out
