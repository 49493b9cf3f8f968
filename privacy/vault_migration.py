"""Moving a single-host vault (SQLite, under the data dir) into the PostgreSQL vault the replicas share.

A deployment that outgrows one machine sets ``privacy.vault_backend = "postgres"``. Its SQLite vault holds what
cannot be rebuilt: the encrypted originals behind every pseudonym (re-identification, access requests) and the
tombstones of the people who were forgotten (without them, re-ingesting a file would bring a forgotten person
back). ``assistant privacy migrate-vault`` copies every row as it is (still encrypted: both vaults are opened with
the configured keys, which each checks) into PostgreSQL in one transaction; running it again copies what was added
since and carries new tombstones over. Until it has run, a PostgreSQL vault refuses to open while the SQLite vault
beside it holds rows it has not taken (:func:`refuse_unmigrated`), with the command to run.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Protocol

from privacy.errors import VaultError
from privacy.settings import PrivacySettings


class Target(Protocol):
    def merged_rows(self, source: str) -> int | None: ...


def sqlite_vault_path(settings: PrivacySettings, data_dir: Path) -> Path:
    """Where the SQLite vault of this data dir is (or would be)."""
    return settings.vault_path or data_dir / "vault" / "vault.sqlite"


def source_name(path: Path) -> str:
    """The name a merge is recorded under: the SQLite file's absolute path."""
    return str(path.resolve())


def count_rows(path: Path) -> int:
    """Rows of the SQLite vault at ``path`` (0 when there is none), read without creating or locking it."""
    if not path.is_file() or path.stat().st_size == 0:
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            found = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'subjects'").fetchone()
            return int(db.execute("SELECT COUNT(*) FROM subjects").fetchone()[0]) if found else 0
    except sqlite3.Error as exc:
        raise VaultError(f"cannot read the SQLite vault {path} ({exc}): check the file and its permissions") from None


def refuse_unmigrated(settings: PrivacySettings, data_dir: Path, target: Target) -> None:
    """:class:`VaultError` when the SQLite vault of ``data_dir`` holds more rows than were merged into ``target``."""
    path = sqlite_vault_path(settings, data_dir)
    rows = count_rows(path)
    merged = target.merged_rows(source_name(path)) or 0
    if rows > merged:
        raise VaultError(
            f"the SQLite vault {path} holds {rows} subject row(s) (originals and erasure tombstones) that the "
            f"PostgreSQL vault has not taken ({merged} merged): run `assistant privacy migrate-vault` with "
            "privacy.vault_backend=postgres, or set it back to sqlite. Starting without them would lose "
            "re-identification and let forgotten people come back on re-ingestion"
        )
