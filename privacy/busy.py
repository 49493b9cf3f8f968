"""Writing to a SQLite file another process writes to (the vault: ingestion beside the chat, an erasure beside an
ingestion): each attempt waits up to the connection's busy timeout for the write lock; a locked file is retried a few
times, each retry logged (a warning on stderr), then a :class:`VaultError` names the file, how long it waited and what
to do. Nothing is half-written: a write that did not get the lock changed nothing."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from privacy.errors import VaultError

T = TypeVar("T")
logger = logging.getLogger("privacy.vault")


def is_busy(exc: sqlite3.Error) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))


def retrying(work: Callable[[], T], path: Path, attempts: int, timeout_s: float) -> T:
    """``work()`` (one transaction), retried while the file is locked by another writer."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except sqlite3.Error as exc:
            if "full" in str(exc):
                raise VaultError(
                    f"the vault {path} cannot grow: its disk is full; free space (or move ASSISTANT_DATA_DIR), then "
                    "run the same command again. Nothing was written by this attempt"
                ) from None
            if not is_busy(exc):
                raise VaultError(f"the vault {path} failed ({exc}): check the file and its folder") from None
            if attempt < attempts:
                logger.warning(
                    "the vault %s is locked by another writer; retrying (attempt %d of %d, up to %.0f s each)",
                    path, attempt + 1, attempts, timeout_s,
                )  # fmt: skip
    raise VaultError(
        f"the vault {path} stayed locked by another writer ({attempts} attempts of {timeout_s:.0f} s): another "
        "ingestion, erasure or server holds it; run this again when it is done, or raise "
        "ASSISTANT_PRIVACY_VAULT_BUSY_TIMEOUT_S. Nothing was written by this attempt"
    )
