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
from assistant.ui import desk, desk_rights, store_chat, studio
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
    """The chat profiles (by key) a role may use: Magasin for every role, Marketing for ``server.draft_roles``,
    Conformité for ``audit.reviewer_roles``."""
    settings = current().container.settings
    keys = ["store"] if role in settings.access.roles else []
    if role in settings.server.draft_roles:
        keys.append("marketing")
    if role in settings.audit.reviewer_roles:
        keys.append("compliance")
    return keys


def _profile(who: Identity, language: str) -> str | None:
    """The key of the profile this chat runs, if the user's role may use it (whatever the browser claims)."""
    chosen = cl.user_session.get("chat_profile")
    keys = profiles_for(who.role)
    for key in keys:
        if chosen in (text(f"profile.{key}", "fr"), text(f"profile.{key}", "en")):
            return key
    return keys[0] if chosen is None and keys else None


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


@cl.on_chat_start
async def start() -> None:
    who, language = await _signed_in(), _language()
    key = _profile(who, language) if who is not None else None
    c = current().container
    if key == "compliance":
        await desk.settings_widgets(language).send()
        await cl.Message(content=desk.t("intro", language), actions=desk.menu(language)).send()
    elif key == "marketing":
        await studio.settings_widgets(c, language).send()
        await cl.Message(content=studio.t("intro", language)).send()


@cl.on_settings_update
async def settings_changed(chosen: dict[str, object]) -> None:
    cl.user_session.set("chat_settings", chosen)


async def _allowed(kind: str, per_minute: int) -> tuple[Identity, str, str] | None:
    """The signed-in user, their language and profile, under the rate limit; None (with a message) otherwise."""
    state, language = current(), _language()
    who = await _signed_in()
    if who is None:
        await cl.Message(content=text("disabled", language)).send()
        return None
    key = _profile(who, language)
    if key is None:
        await cl.Message(content=text("not_allowed", language)).send()
        return None
    wait = state.limiter.take(who.name, kind, per_minute)
    if wait:
        await cl.Message(content="⚠️ " + text("rate", language, limit=per_minute, wait=retry_after(wait))).send()
        return None
    return who, language, key


@cl.on_message
async def on_message(message: cl.Message) -> None:
    c = current().container
    allowed = await _allowed("questions", c.settings.server.asks_per_minute)
    if allowed is None:
        return
    who, language, key = allowed
    if key == "marketing":
        await studio.handle(c, who, message.content, language)
    elif key == "compliance":
        await cl.Message(content=desk.t("intro", language), actions=desk.menu(language)).send()
    else:
        await store_chat.answer(c, who, message.content, language, RATINGS)


@cl.action_callback("studio_draft")
async def studio_draft(action: cl.Action) -> None:
    c = current().container
    allowed = await _allowed("drafts", c.settings.server.drafts_per_minute)
    if allowed is not None and allowed[2] == "marketing":
        await studio.draft(c, allowed[0], str(action.payload["reference"]), allowed[1])


DESK = {"desk_journal": desk.journal, "desk_verify": desk.verify, "desk_export": desk_rights.export,
        "desk_forget": desk_rights.forget, "desk_retention": desk_rights.retention, "desk_purge": desk_rights.purge,
        "desk_costs": desk_rights.costs, "desk_quality": desk_rights.quality}  # fmt: skip


async def _desk_action(action: cl.Action) -> None:
    c = current().container
    allowed = await _allowed("desk", 60)
    if allowed is None or allowed[2] != "compliance":
        return
    who, language, _ = allowed
    if action.name == "desk_open":
        await desk.open_record(c, who, int(action.payload["seq"]), language)
    else:
        await DESK[action.name](c, who, language)


for _name in (*DESK, "desk_open"):
    cl.action_callback(_name)(_desk_action)
