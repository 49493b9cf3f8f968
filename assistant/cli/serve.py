"""``assistant serve``: the Chainlit chat UI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.output import container
from assistant.settings import child_environment

UI_DIR = Path(__file__).resolve().parent.parent / "ui"


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default from ASSISTANT_UI_HOST: 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from ASSISTANT_UI_PORT: 8000).")] = None,
) -> None:
    """Start the chat UI (Chainlit) for store staff."""
    with container(False) as c:
        ui = c.settings.ui
        args = [
            sys.executable,
            "-m",
            "chainlit",
            "run",
            str(UI_DIR / "app.py"),
            "--headless",
            "--host",
            host or ui.host,
            "--port",
            str(port or ui.port),
        ]
    # Chainlit reads its config (telemetry off) from the app root; the app itself loads the settings.
    raise typer.Exit(subprocess.call(args, env=child_environment(CHAINLIT_APP_ROOT=str(UI_DIR))))
