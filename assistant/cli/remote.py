"""The CLI's way to a running server: when ``assistant serve`` holds the data dir (its embedded index has one owner),
commands that need the index send their work to it, authenticated by the local operator credential that only the
data dir's owner can read, acting as the role given with ``--role``. Output and exit codes stay those of the command.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator
from typing import Any

import httpx

from assistant.core.errors import AssistantError
from assistant.server.runtime import RunningServer, find_server
from assistant.settings import Settings

_STATUS_EXIT = {400: 2, 401: 2, 403: 2, 404: 2, 409: 2, 413: 2, 422: 2, 429: 4}


class RemoteError(AssistantError):
    """An error the server reported; carries the exit code the command would have had."""

    def __init__(self, kind: str, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.kind = kind
        self.exit_code = exit_code


class Remote:
    def __init__(self, server: RunningServer, role: str | None, store: str | None = None, user: str | None = None):
        self.server = server
        headers = {"Authorization": f"Bearer {server.token}", "X-Assistant-User": user or getpass.getuser()}
        if role:
            headers["X-Assistant-Role"] = role
        if store:
            headers["X-Assistant-Store"] = store
        self._client = httpx.Client(base_url=server.url, headers=headers, timeout=httpx.Timeout(600, connect=5))

    def __enter__(self) -> Remote:
        return self

    def __exit__(self, *_: object) -> None:
        self._client.close()

    def call(self, method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> Any:
        try:
            response = self._client.request(method, path, json=body, params=params)
        except httpx.HTTPError as exc:
            raise RemoteError(
                "ServerUnreachable", f"the server at {self.server.url} did not answer ({exc})", 4
            ) from None
        if response.status_code >= 400:
            raise _error(response)
        return response.json()

    def stream(self, path: str, body: Any) -> Iterator[tuple[str, dict[str, Any]]]:
        """Server-sent events as (event, data) pairs."""
        try:
            with self._client.stream("POST", path, json=body, headers={"Accept": "text/event-stream"}) as response:
                if response.status_code >= 400:
                    response.read()
                    raise _error(response)
                event = "message"
                for line in response.iter_lines():
                    if line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:"):
                        data = json.loads(line[5:])
                        if event == "error":
                            error = data.get("error", {})
                            raise RemoteError(error.get("type", "Error"), error.get("message", ""), 4)
                        yield event, data
        except httpx.HTTPError as exc:
            raise RemoteError(
                "ServerUnreachable", f"the server at {self.server.url} did not answer ({exc})", 4
            ) from None


def _error(response: httpx.Response) -> RemoteError:
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        error = {"type": "HTTPError", "message": response.text[:300]}
    code = error.get("exit_code") or _STATUS_EXIT.get(response.status_code, 4)
    return RemoteError(str(error.get("type", "HTTPError")), str(error.get("message", "")), int(code))


def server_for(settings: Settings) -> RunningServer | None:
    """The server holding ``settings.data_dir``'s embedded index; None with a Qdrant server (no single owner)."""
    if settings.qdrant.url or settings.index.backend == "qdrant":
        return None
    return find_server(settings.data_dir)
