"""Chainlit chat for store staff. Run through ``assistant serve`` (this file is Chainlit's entry point)."""

from __future__ import annotations

from pathlib import Path

import chainlit as cl

from assistant.answering import messages
from assistant.container import Container
from assistant.domain import Answer
from assistant.errors import AssistantError
from assistant.settings import load_settings

_container: Container | None = None
# AI Act art. 50: users are told at first contact that they talk to an AI.
AI_NOTICE = f"{messages.text('ai_notice', 'fr')}\n\n_{messages.text('ai_notice', 'en')}_"


def _get_container() -> Container:
    global _container  # noqa: PLW0603 - one container per server process, built on first use
    if _container is None:
        _container = Container(load_settings())
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


@cl.on_message
async def on_message(message: cl.Message) -> None:
    container = _get_container()
    role = container.settings.access.default_role
    try:
        answer = await cl.make_async(container.answerer.ask)(message.content, role)
    except AssistantError as exc:
        await cl.Message(content=f"⚠️ {exc}").send()
        return
    await cl.Message(content=render(answer)).send()
