"""Chainlit chat for store staff, mounted at ``/`` by ``assistant serve`` (this file is Chainlit's entry point).

Users sign in with the server's users (password form, or a trusted proxy's header). Each message is asked as the
signed-in user, checked again against the user store (a disabled user's open session stops at their next message),
through the server's one container: its question service answers, audits and applies the privacy boundary.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast

import chainlit as cl
from starlette.datastructures import Headers

from assistant.answering import messages
from assistant.answering.ports import AnswerDelta, AnswerEvent
from assistant.container import Container
from assistant.core.domain import Answer
from assistant.core.errors import AssistantError
from assistant.identity.model import AuthenticationError, Identity
from assistant.recording import Asker
from assistant.server.limits import retry_after
from assistant.server.state import current, installed

# AI Act art. 50: users are told at first contact that they talk to an AI.
AI_NOTICE = f"{messages.text('ai_notice', 'fr')}\n\n_{messages.text('ai_notice', 'en')}_"
DISABLED = "Votre compte a été désactivé : cette session est terminée. / Your account was disabled."


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


def render(answer: Answer) -> str:
    """Markdown shown in the chat: the answer, its sources, and the mode notice."""
    parts = [answer.answer]
    if answer.citations:
        sources = [f"[{i}] {c.title} — `{Path(c.source).name}`" for i, c in enumerate(answer.citations, 1)]
        parts.append("**Sources**\n" + "\n".join(f"- {s}" for s in sources))
    if answer.notice:
        parts.append(f"_{answer.notice}_")
    return "\n\n".join(parts)


@cl.on_chat_start
async def start() -> None:
    await cl.Message(content=AI_NOTICE).send()


async def answer_events(container: Container, question: str, asker: Asker) -> AsyncIterator[AnswerEvent]:
    """The service's events (answered, audited, privacy-checked), produced in a worker thread (retrieval and
    validation are blocking work)."""
    events = container.service.stream(question, asker)
    end = object()
    try:
        while (event := await asyncio.to_thread(next, events, end)) is not end:
            yield cast(AnswerEvent, event)
    finally:
        await asyncio.to_thread(events.close)


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
    state = current()
    who = await _signed_in()
    if who is None:
        await cl.Message(content=DISABLED).send()
        return
    per_minute = state.container.settings.server.asks_per_minute
    wait = state.limiter.take(who.name, "questions", per_minute)
    if wait:
        await cl.Message(
            content=f"⚠️ Plus de {per_minute} questions par minute : réessayez dans {retry_after(wait)} s."
        ).send()
        return
    reply = cl.Message(content="")
    answer: Answer | None = None
    try:
        asker = Asker(who.role, who.name, who.store, via="chat")
        async for event in answer_events(state.container, message.content, asker):
            if isinstance(event, AnswerDelta):
                await reply.stream_token(event.text)  # validated sentences appear before generation ends
            else:
                answer = event.answer
    except AssistantError as exc:
        if reply.content:  # sentences streamed before the failure are not an answer: take them back
            await reply.remove()
        await cl.Message(content=f"⚠️ {exc}").send()
        return
    if answer is not None:
        reply.content = render(answer)  # the final answer is authoritative: sources, notice, or a late refusal
        await reply.send()
