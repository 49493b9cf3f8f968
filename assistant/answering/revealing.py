"""Answerer decorator: the final answer passes the privacy boundary (re-identification if allowed, output guard)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from assistant.answering.ports import AnswerDelta, AnswerDone, Answerer, AnswerEvent, stream_answer
from assistant.core.domain import Answer

Reveal = Callable[[str, str, str], str]  # (answer text, role, language) -> what that role may see


class RevealingAnswerer:
    def __init__(self, inner: Answerer, reveal: Reveal) -> None:
        self._inner = inner
        self._reveal = reveal

    def ask(self, question: str, role: str, *, store: str | None = None) -> Answer:
        answer = self._inner.ask(question, role, store=store)
        if answer.refused:
            return answer
        return replace(answer, answer=self._reveal(answer.answer, role, answer.language))

    def stream(self, question: str, role: str, *, store: str | None = None) -> Iterator[AnswerEvent]:
        """Streamed sentences pass the same boundary as the final answer, one by one."""
        for event in stream_answer(self._inner, question, role, store=store):
            yield reveal_event(event, role, self._reveal)


def reveal_event(event: AnswerEvent, role: str, reveal: Reveal) -> AnswerEvent:
    """A streamed sentence or the final answer as ``role`` may see it (refusals carry nothing to reveal)."""
    if isinstance(event, AnswerDelta):
        body = event.text.lstrip()
        lead = event.text[: len(event.text) - len(body)]
        return AnswerDelta(lead + reveal(body, role, event.language), event.language)
    answer = event.answer
    if answer.refused:
        return event
    return AnswerDone(replace(answer, answer=reveal(answer.answer, role, answer.language)))
