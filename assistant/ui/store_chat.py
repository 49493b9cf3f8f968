"""The Magasin chat: a question answered as the signed-in user, streamed sentence by sentence, its sources as
passages one click away, a follow-up understood from the previous question, and thumbs recorded with the answer."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast

import chainlit as cl

from assistant.answering.ports import AnswerDelta, AnswerEvent
from assistant.container import Container
from assistant.core.domain import Answer
from assistant.core.errors import AssistantError
from assistant.identity.model import Identity
from assistant.recording import Asker
from assistant.ui.feedback import AuditFeedbackLayer
from assistant.ui.texts import text

LAST_SEQ = "last_answer_seq"  # session key: the audit seq of the previous answer (the follow-up's context)
ANSWERS = "answers_shown"  # session key: how many answers this chat has shown (numbers their citations)
_MARKER = re.compile(r"\[(\d+)\]")


def render(answer: Answer, language: str = "fr", number: int = 0) -> str:
    """Markdown shown in the chat: what was understood (a follow-up), the answer, its sources, the mode notice.
    Each citation mark names the element of that source (a click shows the passage); with ``number`` (the answer's
    rank in the chat) the marks read ``[number.n]``, so that no two answers' elements share a name."""
    parts = []
    if answer.understood:
        parts.append(f"> *{text('understood', language)} : {answer.understood}*")
    parts.append(_MARKER.sub(lambda m: f"[{label(number, int(m.group(1)))}]", answer.answer))
    if answer.citations:
        sources = [
            f"[{label(number, i)}] {c.title} — `{Path(c.source).name}`" for i, c in enumerate(answer.citations, 1)
        ]
        parts.append(f"**{text('sources', language)}**\n" + "\n".join(f"- {s}" for s in sources))
    if answer.notice:
        parts.append(f"_{answer.notice}_")
    return "\n\n".join(parts)


def label(number: int, index: int) -> str:
    return f"{number}.{index}" if number else str(index)


def citation_elements(container: Container, answer: Answer, role: str, number: int = 0) -> list[cl.Text]:
    """One side element per citation: title, section, the cited chunk's passage (as the role may see it) and the
    document's name."""
    passages = {h.chunk.chunk_id: h.chunk for h in answer.hits}
    reveal = container.recorder.reveal
    elements = []
    for i, citation in enumerate(answer.citations, 1):
        chunk = passages.get(citation.chunk_id)
        passage = chunk.text if chunk is not None else ""
        if reveal is not None and passage:
            passage = reveal(passage, role, chunk.language if chunk else answer.language)
        section = f" — {chunk.section}" if chunk is not None and chunk.section else ""
        body = f"**{citation.title}**{section}\n\n{passage}\n\n*{Path(citation.source).name}*"
        elements.append(cl.Text(name=f"[{label(number, i)}]", content=body, display="side"))
    return elements


async def answer_events(
    container: Container, question: str, asker: Asker, follow_up_of: int | None = None
) -> AsyncIterator[AnswerEvent]:
    """The service's events (answered, audited, privacy-checked), produced in a worker thread (retrieval and
    validation are blocking work)."""
    events = container.service.stream(question, asker, follow_up_of)
    end = object()
    try:
        while (event := await asyncio.to_thread(next, events, end)) is not end:
            yield cast(AnswerEvent, event)
    finally:
        await asyncio.to_thread(events.close)


async def answer(
    container: Container, who: Identity, question: str, language: str, ratings: AuditFeedbackLayer
) -> None:
    asker = Asker(who.role, who.name, who.store, via="chat")
    reply = cl.Message(content="")
    final: Answer | None = None
    try:
        async for event in answer_events(container, question, asker, cl.user_session.get(LAST_SEQ)):
            if isinstance(event, AnswerDelta):
                await reply.stream_token(event.text)  # validated sentences appear before generation ends
            else:
                final = event.answer
    except AssistantError as exc:
        if reply.content:  # sentences streamed before the failure are not an answer: take them back
            await reply.remove()
        await cl.Message(content=f"⚠️ {text('error', language, error=exc)}").send()
        return
    if final is None:
        return
    number = int(cl.user_session.get(ANSWERS) or 0) + 1
    cl.user_session.set(ANSWERS, number)
    reply.content = render(final, language, number)  # the final answer is authoritative: sources, notice, refusal
    reply.elements = citation_elements(container, final, who.role, number)  # type: ignore[assignment]
    await reply.send()
    if final.audit_seq is not None:
        cl.user_session.set(LAST_SEQ, final.audit_seq)
        run = cl.context.current_run  # Chainlit puts the thumbs on the run that holds the reply
        for step_id in {reply.id, reply.parent_id, run.id if run is not None else None} - {None}:
            ratings.remember(str(step_id), final.audit_seq, asker)
