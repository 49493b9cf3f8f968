"""Chainlit chat for store staff. Run through ``assistant serve`` (this file is Chainlit's entry point)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast

import chainlit as cl

from assistant.answering import messages
from assistant.answering.ports import AnswerDelta, AnswerEvent
from assistant.container import Container
from assistant.core.domain import Answer
from assistant.core.errors import AssistantError
from assistant.service import Asker
from assistant.settings import load_settings

_container: Container | None = None
_building = threading.Lock()
# AI Act art. 50: users are told at first contact that they talk to an AI.
AI_NOTICE = f"{messages.text('ai_notice', 'fr')}\n\n_{messages.text('ai_notice', 'en')}_"


def _get_container() -> Container:
    """One container per server process, built on first use with its question service (models, index, audit log:
    seconds of blocking work, so callers run this in a worker thread, never on the event loop)."""
    global _container  # noqa: PLW0603
    with _building:  # two sessions starting at once build it once
        if _container is None:
            built = Container(load_settings())
            _ = built.service
            _container = built
    return _container


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
    await asyncio.to_thread(_get_container)  # ready before the first question, off the event loop


async def answer_events(
    container: Container, question: str, role: str, user: str | None = None
) -> AsyncIterator[AnswerEvent]:
    """The service's events (answered, audited, privacy-checked), produced in a worker thread (retrieval and
    validation are blocking work)."""
    events = container.service.stream(question, Asker(role, user))
    end = object()
    while (event := await asyncio.to_thread(next, events, end)) is not end:
        yield cast(AnswerEvent, event)


@cl.on_message
async def on_message(message: cl.Message) -> None:
    container = await asyncio.to_thread(_get_container)
    role = container.settings.access.default_role
    reply = cl.Message(content="")
    answer: Answer | None = None
    try:
        # no authentication yet: the chat session id stands for the user (pseudonymized before it is recorded)
        async for event in answer_events(container, message.content, role, cl.context.session.id):
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
