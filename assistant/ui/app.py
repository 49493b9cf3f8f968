"""Chainlit chat, mounted at ``/`` by ``assistant serve`` (this file is Chainlit's entry point).

Users sign in with the server's users (password form, or a trusted proxy's header). The role decides the chat
profiles a user sees; every message is checked again against the user store (a disabled user's open session stops
at their next message) and against the role (a profile the role may not use is refused whatever the browser sends),
then handled through the server's one container.
"""

from __future__ import annotations

import asyncio

import chainlit as cl
from starlette.datastructures import Headers

from assistant.answering import messages
from assistant.identity.model import AuthenticationError, Identity
from assistant.server.limits import retry_after
from assistant.server.state import current, installed
from assistant.ui import store_chat
from assistant.ui.feedback import RATINGS, AuditFeedbackLayer
from assistant.ui.texts import starters, text, ui_language

# AI Act art. 50: users are told at first contact that they talk to an AI: the notice stands under the message box
# from the first screen (Chainlit's watermark text, .chainlit/translations) and in the readme (chainlit*.md).
AI_NOTICE = {language: messages.text("ai_notice", language) for language in ("fr", "en")}


@cl.data_layer
def data_layer() -> AuditFeedbackLayer:
    return RATINGS


def _user(who: Identity) -> cl.User:
    return cl.User(identifier=who.name, display_name=who.name, metadata={"role": who.role, "store": who.store})


@cl.password_auth_callback
async def login(username: str, password: str) -> cl.User | None:
    try:
        who = await asyncio.to_thread(current().container.users.by_password, username, password)
    except AuthenticationError:
        return None
    return _user(who)


async def proxy_login(headers: Headers) -> cl.User | None:
    """Single sign-on: the user a trusted reverse proxy names (the server drops the header from anyone else)."""
    name = headers.get(current().container.settings.server.proxy_user_header)
    if not name:
        return None
    try:
        return _user(await asyncio.to_thread(current().container.users.identity, name, "chat"))
    except AuthenticationError:
        return None


_server = installed()
if _server is not None and _server.container.settings.server.trusted_proxies:  # only where a proxy is trusted
    cl.header_auth_callback(proxy_login)


def profiles_for(role: str) -> list[str]:
    """The chat profiles (by key) a role may use."""
    settings = current().container.settings
    keys = ["store"] if role in settings.access.roles else []
    return keys


@cl.set_chat_profiles
async def chat_profiles(user: cl.User | None, language: str | None = None) -> list[cl.ChatProfile]:
    if user is None:
        return []
    lang = ui_language(language)
    role = str((user.metadata or {}).get("role", ""))
    return [
        cl.ChatProfile(name=text(f"profile.{key}", lang), markdown_description=text(f"profile.{key}.about", lang))
        for key in profiles_for(role)
    ]


@cl.set_starters
async def set_starters(user: cl.User | None, language: str | None = None) -> list[cl.Starter]:
    role = str(((user.metadata or {}) if user else {}).get("role", "store"))
    return [cl.Starter(label=label, message=question) for label, question in starters(role, ui_language(language))]


def _language() -> str:
    """The browser's language (its Accept-Language at the socket's handshake), by the rule of :func:`ui_language`."""
    environ = getattr(cl.context.session, "environ", None) or {}
    return ui_language(environ.get("HTTP_ACCEPT_LANGUAGE"))


async def _signed_in() -> Identity | None:
    """The session's user as the user store says now (role and store included); None once disabled."""
    user = cl.user_session.get("user")
    if user is None:
        return None
    try:
        return await asyncio.to_thread(current().container.users.identity, user.identifier, "chat")
    except AuthenticationError:
        return None


@cl.on_message
async def on_message(message: cl.Message) -> None:
    state, language = current(), _language()
    who = await _signed_in()
    if who is None:
        await cl.Message(content=text("disabled", language)).send()
        return
    per_minute = state.container.settings.server.asks_per_minute
    wait = state.limiter.take(who.name, "questions", per_minute)
    if wait:
        await cl.Message(content="⚠️ " + text("rate", language, limit=per_minute, wait=retry_after(wait))).send()
        return
    await store_chat.answer(state.container, who, message.content, language, RATINGS)
