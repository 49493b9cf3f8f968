"""The ASGI application: the API under ``/v1`` (declared first), health probes, local API docs, then the Chainlit
chat mounted at ``/``. One process, one :class:`assistant.container.Container`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from assistant import __version__
from assistant.core.errors import AssistantError, BackendError, ConfigurationError, SetupError, UnknownRoleError
from assistant.identity.model import AuthenticationError
from assistant.server import admin, health, questions
from assistant.server.limits import GuardMiddleware, Networks
from assistant.server.state import ServerState, install

UI_APP = Path(__file__).resolve().parent.parent / "ui" / "app.py"
log = logging.getLogger("assistant.server")


def status_of(exc: AssistantError) -> int:
    """The HTTP status of a product error (its CLI exit code says the same thing)."""
    if isinstance(exc, AuthenticationError):
        return 401
    if isinstance(exc, UnknownRoleError):
        return 403
    if isinstance(exc, ConfigurationError) or exc.exit_code == 2:
        return 400
    if isinstance(exc, SetupError | BackendError) or exc.exit_code in (3, 4):
        return 503
    return 422 if exc.exit_code == 1 else 500


def _error(
    status: int, kind: str, message: str, headers: Mapping[str, str] | None = None, exit_code: int | None = None
) -> JSONResponse:
    """The error body, as the CLI's --json prints it; ``exit_code``: what the CLI would exit with (it relays it)."""
    error: dict[str, object] = {"type": kind, "message": message}
    if exit_code is not None:
        error["exit_code"] = exit_code
    return JSONResponse({"error": error}, status_code=status, headers=headers)


def create_app(state: ServerState, *, chat: bool = True) -> FastAPI:
    """The server around ``state`` (installed for the chat module and the jobs); ``chat=False``: the API alone."""
    install(state)
    settings = state.container.settings.server
    app = FastAPI(
        title="Retail assistant API",
        version=__version__,
        description="Answers from internal documents, with citations; every request is audited. Authenticate with "
        "'Authorization: Bearer <token>' (assistant users token NAME).",
        docs_url=None,
        redoc_url=None,
    )

    @app.exception_handler(AssistantError)
    async def product_error(request: Request, exc: AssistantError) -> JSONResponse:
        return _error(status_of(exc), type(exc).__name__, str(exc), exit_code=exc.exit_code)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return _error(exc.status_code, "HTTPError", str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return _error(422, "InvalidRequest", problems)

    app.include_router(health.router)
    app.include_router(questions.router)
    app.include_router(admin.router)
    _local_docs(app)
    if chat:
        from chainlit.utils import mount_chainlit

        from assistant.server.chat_assets import LocalPage, mount_assets
        from assistant.server.sessions import ChatLanguage, ChatSessionGuard

        served = mount_assets(app, state.container.settings.cache_dir / "ui-assets")
        mount_chainlit(app=app, target=str(UI_APP), path="/")
        app.add_middleware(LocalPage, served=served)
        app.add_middleware(ChatSessionGuard)
        app.add_middleware(ChatLanguage)
    app.add_middleware(  # outermost: every response, the chat's too
        GuardMiddleware,
        max_body=settings.max_body_bytes,
        proxies=Networks(settings.trusted_proxies),
        user_header=settings.proxy_user_header,
        secure_cookies=settings.secure_cookies,
    )
    return app


def _local_docs(app: FastAPI) -> None:
    """Swagger UI from the fastapi-offline package's files: FastAPI's default loads it from a CDN, which an offline
    network cannot reach (a blank page)."""
    import fastapi_offline

    static = Path(fastapi_offline.__file__).resolve().parent / "static"
    app.mount("/docs-assets", StaticFiles(directory=static), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Retail assistant API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon.png",
        )
