"""Nothing leaves the network: Chainlit's page loads its font from Google Fonts and the KaTeX stylesheet from a CDN.
The server serves both itself (``deploy/setup.sh`` places them, sha256-pinned from npm, under
``<cache dir>/ui-assets``) and rewrites the page to point at them; without the files the page uses the system fonts
and still fetches nothing from outside."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PREFIX = "/ui-assets"
_PRECONNECT = re.compile(rb'\s*<link\s+rel="preconnect"\s+href="https://fonts\.(googleapis|gstatic)\.com"[^>]*/?>')
_FONTS = re.compile(rb'<link\s+href="https://fonts\.googleapis\.com/css2[^"]*"\s+rel="stylesheet"\s*/?>')
_KATEX = re.compile(rb'<link\s+rel="stylesheet"\s+href="https://cdn\.jsdelivr\.net/npm/katex@[^"]*"\s*/?>')


def mount_assets(app: FastAPI, folder: Path) -> bool:
    """Serve ``folder`` at :data:`PREFIX` when set-up placed the files; True when it did."""
    if not (folder / "inter" / "400.css").is_file():
        return False
    app.mount(PREFIX, StaticFiles(directory=folder), name="ui-assets")
    return True


def local_page(html: bytes, served: bool) -> bytes:
    """The chat page with its external font and stylesheet links pointing at the local copies (or removed)."""
    fonts = b"".join(
        f'<link rel="stylesheet" href="{PREFIX}/inter/{weight}.css" />'.encode() for weight in (400, 500, 700)
    )
    html = _PRECONNECT.sub(b"", html)
    html = _FONTS.sub(fonts if served else b"", html)
    return _KATEX.sub(f'<link rel="stylesheet" href="{PREFIX}/katex/dist/katex.min.css" />'.encode() if served
                      else b"", html)  # fmt: skip


class LocalPage:
    """Rewrites the chat's HTML responses through :func:`local_page` (pure ASGI; other responses pass through)."""

    def __init__(self, app: ASGIApp, served: bool) -> None:
        self.app = app
        self.served = served

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"] if scope["type"] == "http" else ""
        if not path or path.startswith(("/v1/", "/docs", "/assets/", PREFIX)) or "." in path.rsplit("/", 1)[-1]:
            await self.app(scope, receive, send)
            return
        # a page: ask it uncompressed (Chainlit gzips its responses), so that its links can be rewritten
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]}
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                if not headers.get(b"content-type", b"").startswith(b"text/html"):
                    await send(message)
                    return
                start = message
                return
            if start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = local_page(b"".join(chunks), self.served)
            kept = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            await send({**start, "headers": [*kept, (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffered)
