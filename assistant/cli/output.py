"""Shared CLI plumbing: settings/container per invocation, JSON output, errors mapped to exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from assistant.cli.remote import Remote, server_for
from assistant.container import Container
from assistant.core.errors import AssistantError
from assistant.settings import Settings, load_settings

# The composition root used by every command; tests swap it for one wired with fakes.
container_factory: Callable[[Settings], Container] = Container

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def emit_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


@contextmanager
def guarded(as_json: bool, *, json_lines: bool = False) -> Iterator[None]:
    """Report a product error with its exit code (one JSON line with ``json_lines``: the command prints one JSON
    object per line, ``{"event": "error", "error": {...}}``)."""
    try:
        yield
    except AssistantError as exc:
        error = {"type": getattr(exc, "kind", type(exc).__name__), "message": str(exc)}  # a server's error: its type
        if as_json and json_lines:
            sys.stdout.write(json.dumps({"event": "error", "error": error}, ensure_ascii=False) + "\n")
        elif as_json:
            emit_json({"error": error})
        err.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None


@contextmanager
def container(
    as_json: bool, adjust: Callable[[Settings], Settings] | None = None, *, json_lines: bool = False
) -> Iterator[Container]:
    """Load settings once (``adjust`` applies command-line overrides), build the container, report errors with
    their exit code, always close."""
    built: Container | None = None
    with guarded(as_json, json_lines=json_lines):
        try:
            settings = load_settings()
            built = container_factory(adjust(settings) if adjust else settings)
            yield built
        finally:
            if built is not None:
                built.close()


@contextmanager
def remote(
    as_json: bool, role: str | None, store: str | None = None, user: str | None = None, *, json_lines: bool = False
) -> Iterator[Remote | None]:
    """The running server holding this data dir (commands then go through it, as ``role``), or None: run locally."""
    with guarded(as_json, json_lines=json_lines):
        server = server_for(load_settings())
        if server is None:
            yield None
            return
        with Remote(server, role, store, user) as client:
            yield client


def run_guarded(app: typer.Typer) -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        raise SystemExit(130) from None


def split_csv(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [v.strip().lower() for v in value.split(",") if v.strip()]
