"""Room on the data dir: checked before each file is written, so that a full disk stops an ingestion cleanly.

The embedded index keeps its data in sparse, memory-mapped files: their disk blocks are allocated as pages fill, and
a page that cannot be allocated on a full disk kills the process (SIGBUS) in the middle of a write. So before each
file is written, the free space of the data dir's disk must cover what the index's files may still take (their holes:
apparent size minus allocated blocks) plus ``min_free_bytes`` for new files, the registry, the vault and the audit
log; else :class:`DiskFullError` stops the batch before anything of that file is written. A disk that fills anyway
(another process) gives an ``ENOSPC`` or SQLite's "disk is full", reported as the same error.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.core.errors import BackendError

FIX = (
    "free space on that disk (or move ASSISTANT_DATA_DIR to a larger one), then run the same command again: the "
    "files indexed so far are complete, the others are indexed by the next run"
)


class DiskFullError(BackendError):
    """The data dir's disk has no room for the next file (exit code 4)."""


def free_bytes(folder: Path) -> int:
    existing = next((p for p in (folder, *folder.parents) if p.exists()), Path("/"))
    st = os.statvfs(existing)
    return st.f_bavail * st.f_frsize


def sparse_reserve(folders: Sequence[Path]) -> int:
    """Bytes the files under ``folders`` may still allocate as their holes fill."""
    total = 0
    for folder in folders:
        for root, _, names in os.walk(folder):
            for name in names:
                try:
                    st = os.lstat(os.path.join(root, name))
                except OSError:
                    continue
                if stat.S_ISREG(st.st_mode):
                    total += max(0, st.st_size - st.st_blocks * 512)
    return total


def is_disk_full(exc: BaseException) -> bool:
    text = str(exc)
    return (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "disk is full" in text or "No space left" in text


def disk_full_error(data_dir: Path) -> DiskFullError:
    return DiskFullError(f"the disk of the data dir {data_dir} is full: {FIX}")


class SpaceGuard:
    def __init__(
        self,
        data_dir: Path,
        sparse: Sequence[Path] = (),
        min_free_bytes: int = 64 * 1024 * 1024,
        free: Callable[[Path], int] = free_bytes,
    ) -> None:
        self.data_dir = data_dir
        self._sparse = list(sparse)
        self._min = min_free_bytes
        self._free = free

    def check(self) -> None:
        """:class:`DiskFullError` when the data dir's disk cannot take one more file safely."""
        free, reserve = self._free(self.data_dir), sparse_reserve(self._sparse)
        if free < reserve + self._min:
            raise DiskFullError(
                f"the disk of the data dir {self.data_dir} has {free / 1e6:,.0f} MB free; the index may still take "
                f"{reserve / 1e6:,.0f} MB as its files fill, and ASSISTANT_INGESTION_MIN_FREE_BYTES keeps "
                f"{self._min / 1e6:,.0f} MB: {FIX}"
            )
