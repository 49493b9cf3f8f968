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
def container(
    as_json: bool, adjust: Callable[[Settings], Settings] | None = None, *, json_lines: bool = False
) -> Iterator[Container]:
    """Load settings once (``adjust`` applies command-line overrides), build the container, report errors with
    their exit code, always close. ``json_lines``: the command prints one JSON object per line, so an error is one
    line too (``{"event": "error", "error": {...}}``)."""
    built: Container | None = None
    try:
        settings = load_settings()
        built = container_factory(adjust(settings) if adjust else settings)
        yield built
    except AssistantError as exc:
        error = {"type": type(exc).__name__, "message": str(exc)}
        if as_json and json_lines:
            sys.stdout.write(json.dumps({"event": "error", "error": error}, ensure_ascii=False) + "\n")
        elif as_json:
            emit_json({"error": error})
        err.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    finally:
        if built is not None:
            built.close()


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
