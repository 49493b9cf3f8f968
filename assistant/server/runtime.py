"""Running the server, and finding it from another process.

``assistant serve`` holds an exclusive lock on ``<data_dir>/server/server.lock`` for its whole life, and writes beside
it where it listens (``server.json``) and the local operator credential (``operator.token``, mode 0600: only the data
dir's owner can read it). A CLI command that finds the lock held sends its work to that server instead of opening the
embedded index, which only one process may hold. The lock dies with the process, so a killed server leaves nothing
that looks alive.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from assistant.core.errors import ConfigurationError

FOLDER = "server"


@dataclass(frozen=True)
class RunningServer:
    url: str
    token: str
    pid: int


class ServerLock:
    """The running server's claim on a data dir (see the module doc)."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = data_dir / FOLDER
        self._handle: IO[str] | None = None

    def acquire(self, url: str) -> str:
        """Take the lock, publish ``url``; returns the new operator credential. Refused when a server runs."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = (self.folder / "server.lock").open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            running = find_server(self.folder.parent)
            where = f" at {running.url} (pid {running.pid})" if running else ""
            raise ConfigurationError(
                f"a server already runs on the data dir {self.folder.parent}{where}: stop it first, or give this one "
                "another ASSISTANT_DATA_DIR"
            ) from None
        token = secrets.token_urlsafe(32)
        _write_private(self.folder / "operator.token", token)
        _write_private(self.folder / "server.json", json.dumps({"url": url, "pid": os.getpid()}))
        self._handle = handle
        return token

    def release(self) -> None:
        if self._handle is not None:
            for name in ("operator.token", "server.json"):
                (self.folder / name).unlink(missing_ok=True)
            self._handle.close()
            self._handle = None


def find_server(data_dir: Path) -> RunningServer | None:
    """The server holding ``data_dir``, or None when no live process holds its lock."""
    folder = data_dir / FOLDER
    lock = folder / "server.lock"
    if not lock.is_file():
        return None
    with lock.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            pass  # held: a server runs
        else:
            return None
    try:
        info = json.loads((folder / "server.json").read_text())
        token = (folder / "operator.token").read_text().strip()
    except (OSError, ValueError):
        return None  # starting or stopping: its files are not there yet, or any more
    return RunningServer(str(info["url"]), token, int(info["pid"]))


def _write_private(path: Path, text: str) -> None:
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
