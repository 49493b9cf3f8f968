"""What the server process shares between the API, the chat and background jobs: one of each, installed at start."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.server.limits import RateLimiter

if TYPE_CHECKING:
    from assistant.container import Container
    from assistant.server.jobs import IngestJobs


@dataclass
class ServerState:
    container: Container
    operator_token: str  # the local operator credential (a file only the data dir's owner can read)
    jobs: IngestJobs
    limiter: RateLimiter = field(default_factory=RateLimiter)


_current: list[ServerState] = []


def install(state: ServerState) -> None:
    _current[:] = [state]


def installed() -> ServerState | None:
    """The running server's state, or None outside a server (a test importing the chat module)."""
    return _current[0] if _current else None


def current() -> ServerState:
    """The running server's state (the chat module reads its container here)."""
    if not _current:
        raise RuntimeError("no server state: the chat runs inside 'assistant serve'")
    return _current[0]
