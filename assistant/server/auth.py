"""Who is calling: every API request carries an identity, or gets 401.

- ``Authorization: Bearer <token>``: a user's API token (``assistant users token``), or the local operator credential
  that ``assistant serve`` writes where only the data dir's owner can read it. The operator acts as the role (and store)
  named in the ``X-Assistant-Role`` / ``X-Assistant-Store`` headers, as ``X-Assistant-User`` (default: ``operator``);
  the audit record says it came through the operator.
- A trusted reverse proxy's user header (``server.proxy_user_header``, only from ``server.trusted_proxies``; the
  guard middleware drops it from anyone else): single sign-on, for users who exist here.

Role, store and user come from the identity, never from a request field.
"""

from __future__ import annotations

import hmac
from collections.abc import Collection

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool

from assistant.identity.model import AuthenticationError, Identity
from assistant.server.state import current

OPERATOR_HEADERS = ("x-assistant-role", "x-assistant-store", "x-assistant-user")


def unauthorized(message: str) -> HTTPException:
    return HTTPException(401, message, headers={"WWW-Authenticate": 'Bearer realm="retail-assistant"'})


async def identity(request: Request) -> Identity:
    """FastAPI dependency: the caller's identity (401 without a valid one)."""
    state = current()
    settings = state.container.settings
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credential.strip():
        token = credential.strip()
        if hmac.compare_digest(token.encode(), state.operator_token.encode()):
            role = request.headers.get("x-assistant-role") or settings.access.default_role
            state.container.access.audiences_for(role)  # an unknown role: 400 naming the known ones
            store = request.headers.get("x-assistant-store") or None
            user = request.headers.get("x-assistant-user") or "operator"
            return Identity(user, role, store, via="operator", operator=True)
        try:
            return await run_in_threadpool(state.container.users.by_token, token)
        except AuthenticationError as exc:
            raise unauthorized(str(exc)) from None
    proxied = request.headers.get(settings.server.proxy_user_header)
    if proxied and settings.server.trusted_proxies:  # the guard kept the header: it came from a trusted proxy
        try:
            return await run_in_threadpool(state.container.users.identity, proxied)
        except AuthenticationError as exc:
            raise unauthorized(str(exc)) from None
    raise unauthorized("no credentials: send 'Authorization: Bearer <token>' (see 'assistant users token')")


def allow(who: Identity, roles: Collection[str], what: str) -> None:
    """403 unless ``who`` has one of ``roles`` (the local operator may do everything it can do at the shell)."""
    if not who.operator and who.role not in roles:
        raise HTTPException(403, f"role {who.role!r} may not {what}: allowed roles are {', '.join(sorted(roles))}")
