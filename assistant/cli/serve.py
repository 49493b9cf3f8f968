"""``assistant serve``: the one server (HTTP API under /v1, the chat at /), in the foreground."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant import processes
from assistant.cli.output import container, out
from assistant.core.errors import ConfigurationError


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default from ASSISTANT_UI_HOST: 127.0.0.1).")] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port (default from ASSISTANT_UI_PORT: 8000).")
    ] = None,
) -> None:
    """Serve the chat (http://HOST:PORT/) and the HTTP API (/v1, docs at /docs) in one process, until Ctrl-C or
    SIGTERM. While it runs, 'assistant ingest', 'search', 'ask', 'draft' and 'privacy' on the same data dir go
    through it."""
    from assistant.server.main import run

    with container(False) as c:
        ui = c.settings.ui
        host, port = host or ui.host, port or ui.port
        if processes.port_is_open(host, port):
            raise ConfigurationError(
                f"port {port} on {host} is already in use (another server?): stop it, or choose another port "
                "with --port / ASSISTANT_UI_PORT"
            )
        out.print(f"serving the chat on http://{host}:{port}/ and the API on http://{host}:{port}/v1 (Ctrl-C stops)")
        run(c, host, port)
