"""Chat sessions end when their user is disabled: every request to the chat (pages, Chainlit's API, the socket
handshake) that carries a Chainlit session cookie is checked against the user store, and refused (401, cookie
cleared) once the user is disabled or gone. Messages on an open socket are checked by the chat itself."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.identity.model import AuthenticationError
from assistant.server.state import current

API_PREFIXES = ("/v1/", "/healthz", "/readyz", "/docs", "/openapi.json")


class ChatSessionGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and not scope["path"].startswith(API_PREFIXES):
            name = _session_user(HTTPConnection(scope))
            if name is not None and not await run_in_threadpool(_enabled, name):
                await _refuse(scope, send)
                return
        await self.app(scope, receive, send)


def _session_user(connection: HTTPConnection) -> str | None:
    """The user a valid Chainlit session cookie names; None without one (an expired or forged cookie is left to
    Chainlit, which refuses it)."""
    from chainlit.auth import get_token_from_cookies
    from chainlit.auth.jwt import decode_jwt

    token = get_token_from_cookies(dict(connection.cookies))
    if not token:
        return None
    try:
        return decode_jwt(token).identifier
    except Exception:
        return None


def _enabled(name: str) -> bool:
    try:
        current().container.users.identity(name, "chat")
    except AuthenticationError:
        return False
    return True


async def _refuse(scope: Scope, send: Send) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 4401})
        return
    body = b'{"error": {"type": "AuthenticationError", "message": "this account is disabled: the session has ended"}}'
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", b"application/json"),
                (b"set-cookie", b"access_token=; Max-Age=0; Path=/; HttpOnly; SameSite=lax"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class ChatLanguage:
    """Chainlit asks for its texts, starters and profiles in the browser's language; the chat speaks French or
    English: the browser's when it is one of them, French otherwise (a rule Chainlit alone cannot express)."""

    PATHS = ("/project/translations", "/project/settings")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in self.PATHS:
            query = parse_qsl(scope.get("query_string", b"").decode(), keep_blank_values=True)
            wanted = dict(query).get("language", "")
            chosen = "en-US" if wanted.lower().startswith("en") else "fr-FR"
            kept = [(k, v) for k, v in query if k != "language"]
            scope = {**scope, "query_string": urlencode([*kept, ("language", chosen)]).encode()}
        await self.app(scope, receive, send)
