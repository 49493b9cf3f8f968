"""The vault's refusal of keys other than those it was written with, before anything is written with them.

A new pseudonym key (a lost ``secrets_dir``, a changed setting) gives the same people new tokens and a new blind
index: erasure would miss their old entries and tombstones would stop re-ingestion from nothing. A new key-encryption
key would wrap new entries beside old ones it cannot open. The vault keeps a keyed check value of the blind-index key
(written on first use) and the KEK id of its entries; :func:`refuse_other_keys` compares them, whatever the storage.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from pathlib import Path

from privacy.errors import VaultError
from privacy.keys import Secret


def index_check(index_key: Secret) -> str:
    """The check value stored on first use: a keyed fingerprint of the blind-index key (not the key)."""
    return hmac.new(index_key.reveal(), b"retail-assistant vault index check", hashlib.sha256).hexdigest()[:16]


def refuse_other_keys(name: str, stored_check: str, index_key: Secret, stored_kek_id: str | None, kek_id: str) -> None:
    """:class:`VaultError` when the vault ``name`` was written with another pseudonym key or key-encryption key."""
    if stored_check != index_check(index_key):
        raise VaultError(
            f"the vault {name} was written with another pseudonym key than the one configured: set "
            "privacy.pseudonym_key (ASSISTANT_PRIVACY_PSEUDONYM_KEY, or the pseudonym.key file of "
            "privacy.secrets_dir) back to that key. With a new key the same people would get new pseudonyms, "
            "and erasure would miss the old ones"
        )
    if stored_kek_id is not None and stored_kek_id != kek_id:
        raise VaultError(
            f"the vault {name} holds data keys wrapped by key id {stored_kek_id}, the configured vault key has id "
            f"{kek_id}: set privacy.vault_key (ASSISTANT_PRIVACY_VAULT_KEY, or the vault.key file of "
            "privacy.secrets_dir) back to the key the vault was written with, or rotate to the new one (a rotation "
            "cut short leaves the new key in vault.key.next of privacy.secrets_dir)"
        )


def rotated_away(name: str, current: str | None, kek_id: str) -> None:
    """:class:`VaultError` when another process rotated the vault's key since this one opened it: a value wrapped
    with the old key now could not be opened with the new one (checked in every write transaction)."""
    if current is not None and current != kek_id:
        raise VaultError(
            f"the vault {name} was rotated to key id {current} while this process runs with key id {kek_id}: "
            "restart it with the new privacy.vault_key (ASSISTANT_PRIVACY_VAULT_KEY, or the vault.key file of "
            "privacy.secrets_dir); nothing was written"
        )


def check_vault_keys(db: sqlite3.Connection, path: Path, index_key: Secret, kek_id: str) -> None:
    found = db.execute("SELECT value FROM vault_meta WHERE name = 'index_check'").fetchone()
    if found is None:  # first use: written once (reads only afterwards, so another writer never blocks an open)
        db.execute("INSERT OR IGNORE INTO vault_meta VALUES ('index_check', ?)", (index_check(index_key),))
        found = db.execute("SELECT value FROM vault_meta WHERE name = 'index_check'").fetchone()
    current = db.execute("SELECT value FROM vault_meta WHERE name = 'kek_id'").fetchone()
    row = current or db.execute("SELECT kek_id FROM subjects WHERE kek_id IS NOT NULL LIMIT 1").fetchone()
    refuse_other_keys(str(path), found[0], index_key, None if row is None else row[0], kek_id)
    if current is None:  # the key id every write compares (vaults written before it was kept get it here)
        db.execute("INSERT OR IGNORE INTO vault_meta VALUES ('kek_id', ?)", (kek_id,))
