"""Who holds the embedded index: only one process may open it (its engine locks the write-ahead log). The holder
writes its pid, program and verb in ``<index>/holder.lock`` under an exclusive lock that dies with it, so another
process is told which one to wait for or stop, instead of the engine's bare "WouldBlock"."""

from __future__ import annotations

import fcntl
import os
import re
import sys
from pathlib import Path
from typing import IO

from assistant.core.errors import BackendError

FILE = "holder.lock"


class IndexBusyError(BackendError):
    """Another process holds the embedded index."""


def _command() -> str:
    """The program and its verb, never the rest of the command line: it may carry a question or a person's name
    (``assistant ask "…"``, ``assistant privacy forget "…"``), and this file and the error naming it are no place
    for personal data."""
    if not sys.argv:
        return "python"
    verb = sys.argv[1] if len(sys.argv) > 1 and re.fullmatch(r"[a-z][a-z-]{1,20}", sys.argv[1]) else ""
    return " ".join(part for part in (os.path.basename(sys.argv[0]), verb, "…" if len(sys.argv) > 2 else "") if part)


class Holder:
    def __init__(self, folder: Path) -> None:
        self._path = folder / FILE
        self._handle: IO[str] | None = None

    def claim(self) -> None:
        """Hold the index for this process (no-op when already held), or raise :class:`IndexBusyError` naming the
        process that does."""
        if self._handle is not None:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        handle = self._path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise IndexBusyError(
                f"the index at {self._path.parent} is in use by {holder}: wait for it to finish or stop it. "
                "While 'assistant serve' runs, the commands that need the index go through it; evaluations need it "
                "stopped, or another ASSISTANT_DATA_DIR"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} ({_command()})")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
