"""The vault's refusal of keys other than those it was written with, before anything is written with them.

A new pseudonym key (a lost ``secrets_dir``, a changed setting) gives the same people new tokens and a new blind
index: erasure would miss their old entries and tombstones would stop re-ingestion from nothing. A new key-encryption
key would wrap new entries beside old ones it cannot open. The vault keeps a keyed check value of the blind-index key
(written on first use) and the KEK id of its entries.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from pathlib import Path

from privacy.errors import VaultError
from privacy.keys import Secret


def check_vault_keys(db: sqlite3.Connection, path: Path, index_key: Secret, kek_id: str) -> None:
    check = hmac.new(index_key.reveal(), b"retail-assistant vault index check", hashlib.sha256).hexdigest()
    found = db.execute("SELECT value FROM vault_meta WHERE name = 'index_check'").fetchone()
    if found is None:  # first use: written once (reads only afterwards, so another writer never blocks an open)
        db.execute("INSERT OR IGNORE INTO vault_meta VALUES ('index_check', ?)", (check[:16],))
        found = db.execute("SELECT value FROM vault_meta WHERE name = 'index_check'").fetchone()
    (stored,) = found
    if stored != check[:16]:
        raise VaultError(
            f"the vault {path} was written with another pseudonym key than the one configured: set "
            "privacy.pseudonym_key (ASSISTANT_PRIVACY_PSEUDONYM_KEY, or the pseudonym.key file of "
            "privacy.secrets_dir) back to that key. With a new key the same people would get new pseudonyms, "
            "and erasure would miss the old ones"
        )
    row = db.execute("SELECT kek_id FROM subjects WHERE kek_id IS NOT NULL LIMIT 1").fetchone()
    if row is not None and row[0] != kek_id:
        raise VaultError(
            f"the vault {path} holds data keys wrapped by key id {row[0]}, the configured vault key has id "
            f"{kek_id}: set privacy.vault_key (ASSISTANT_PRIVACY_VAULT_KEY, or the vault.key file of "
            "privacy.secrets_dir) back to the key the vault was written with, or rotate to the new one"
        )
