"""The process environment, beside the settings tree (which reads ``ASSISTANT_*`` through pydantic-settings): the
set-up cache folder, the environment of child servers, and offline mode for the model libraries. Nothing else reads
or changes ``os.environ``.
"""

from __future__ import annotations

import os
from pathlib import Path


def default_cache_dir() -> Path:
    """Where set-up keeps downloaded wheels and built models (outside the data dir, survives resets):
    ``$XDG_CACHE_HOME/retail-assistant``, ``~/.cache/retail-assistant`` by default."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "retail-assistant"


def child_environment(**extra: str) -> dict[str, str]:
    """The environment for a child process (e.g. the Chainlit server): ours plus ``extra``."""
    return {**os.environ, **extra}


def apply_offline_mode() -> None:
    """Forbid model hubs for every library in this process (weights come from set-up only)."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ[var] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def export_variables(**values: str) -> None:
    """Set variables for a library that reads its configuration only from the environment (Chainlit's app root
    and JWT secret), before that library is imported."""
    os.environ.update(values)


def inherited(*names: str) -> list[str]:
    """Which of ``names`` the process environment sets (non-empty)."""
    return [name for name in names if os.environ.get(name)]
