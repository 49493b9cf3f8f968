"""``assistant serve``: the Chainlit chat UI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant import processes
from assistant.cli.output import container, out
from assistant.core.environment import child_environment
from assistant.core.errors import ConfigurationError

UI_DIR = Path(__file__).resolve().parent.parent / "ui"


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default from ASSISTANT_UI_HOST: 127.0.0.1).")] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port (default from ASSISTANT_UI_PORT: 8000).")
    ] = None,
) -> None:
    """Start the chat UI (Chainlit) for store staff, in the foreground; Ctrl-C or SIGTERM stops it."""
    with container(False) as c:
        ui = c.settings.ui
        host, port = host or ui.host, port or ui.port
        if processes.port_is_open(host, port):  # Chainlit would only log the bind error, and exit 0
            raise ConfigurationError(
                f"port {port} on {host} is already in use (another chat UI?): stop it, or choose another port "
                "with --port / ASSISTANT_UI_PORT"
            )
    args = [sys.executable, "-m", "chainlit", "run", str(UI_DIR / "app.py"), "--headless"]
    args += ["--host", host, "--port", str(port)]
    processes.interrupt_on_signals()
    # Chainlit reads its config (telemetry off) from the app root; the app itself loads the settings.
    child = subprocess.Popen(args, env=child_environment(CHAINLIT_APP_ROOT=str(UI_DIR)), start_new_session=True)
    try:
        code = processes.wait(child)
    except KeyboardInterrupt:
        out.print("stopping the chat UI")
        code = 0
    finally:
        processes.stop(child)
    raise typer.Exit(code)
