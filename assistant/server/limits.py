"""Abuse limits: per-user request rates, request body size, security headers, and who may claim a proxy identity."""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"content-security-policy", b"frame-ancestors 'none'; object-src 'none'; base-uri 'self'"),
)


class RateLimiter:
    """At most ``limit`` events per user and kind in any 60-second window (a sliding log; one per process)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._events: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def take(self, user: str, kind: str, limit: int, window_s: float = 60.0) -> float:
        """0 if allowed (and counted), else the seconds to wait before the next one is."""
        now = self._clock()
        with self._lock:
            log = self._events.setdefault((user, kind), deque())
            while log and log[0] <= now - window_s:
                log.popleft()
            if len(log) >= limit:
                return max(0.0, log[0] + window_s - now)
            log.append(now)
            return 0.0


def retry_after(wait_s: float) -> str:
    return str(max(1, math.ceil(wait_s)))


class Networks:
    """Addresses and CIDR networks, e.g. the trusted reverse proxies."""

    def __init__(self, entries: Sequence[str]) -> None:
        self._nets = [ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip()]

    def __contains__(self, address: object) -> bool:
        try:
            ip = ipaddress.ip_address(str(address))
        except ValueError:
            return False
        return any(ip in net for net in self._nets)


class GuardMiddleware:
    """Pure ASGI (streams and websockets pass untouched): adds the security headers to every HTTP response, refuses
    JSON bodies larger than ``max_body`` (413; multipart uploads are limited per file by ingestion), and drops the
    proxy identity header from any client that is not a trusted proxy, so no one can claim a user by sending it."""

    def __init__(
        self, app: ASGIApp, max_body: int, proxies: Networks, user_header: str, secure_cookies: bool = False
    ) -> None:
        self.app = app
        self.secure_cookies = secure_cookies
        self.max_body = max_body
        self.proxies = proxies
        self.user_header = user_header.lower().encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        peer = (scope.get("client") or ("", 0))[0]
        if peer not in self.proxies:
            scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != self.user_header]}
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if not headers.get(b"content-type", b"").startswith(b"multipart/"):
            length = headers.get(b"content-length")
            if length is not None and length.isdigit() and int(length) > self.max_body:
                await _too_large(send, self.max_body)
                return
            receive = _capped(receive, self.max_body)

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [_secured(k, v) if self.secure_cookies else (k, v) for k, v in message.get("headers", [])]
                message = {**message, "headers": [*headers, *SECURITY_HEADERS]}
            await send(message)

        try:
            await self.app(scope, receive, secured)
        except BodyTooLargeError:
            await _too_large(send, self.max_body)


def _secured(name: bytes, value: bytes) -> tuple[bytes, bytes]:
    """A Set-Cookie header marked Secure (Chainlit marks it only with SameSite=None)."""
    if name.lower() == b"set-cookie" and b"secure" not in value.lower():
        value += b"; Secure"
    return name, value


class BodyTooLargeError(Exception):
    pass


def _capped(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLargeError
        return message

    return wrapped


async def _too_large(send: Send, limit: int) -> None:
    body = f'{{"error": {{"type": "RequestTooLarge", "message": "the request body exceeds {limit} bytes"}}}}'
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), *SECURITY_HEADERS],
        }
    )
    await send({"type": "http.response.body", "body": body.encode()})
