"""Answerer decorator: the final answer passes the privacy boundary (re-identification if allowed, output guard)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from assistant.answering.ports import Answerer
from assistant.domain import Answer

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
