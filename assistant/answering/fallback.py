"""Answerer decorator: the extractive answer, with a notice, whenever the LLM endpoint does not answer.

After a failure the primary is left alone for ``cooldown_s`` seconds, so that while the endpoint is down each
question is answered at once instead of waiting for a connection timeout first. Only
:class:`assistant.llm.ports.LlmUnavailableError` triggers the fallback: a configuration error (bad key, unknown
model) is raised, not hidden.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace

from assistant.answering import messages
from assistant.answering.checks import Checks
from assistant.answering.grounded import GroundedAnswerer
from assistant.answering.ports import AnswerDone, Answerer, AnswerEvent, StreamingAnswerer, stream_answer
from assistant.core.domain import Answer
from assistant.embeddings.memo import MemoEmbedder
from assistant.llm.ports import LlmUnavailableError

log = logging.getLogger(__name__)


class FallbackAnswerer:
    def __init__(
        self,
        primary: StreamingAnswerer,
        fallback: Answerer,
        *,
        cooldown_s: float = 20.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._primary = primary
        self._fallback = fallback
        self._cooldown_s = cooldown_s
        self._clock = clock
        self._down_until = float("-inf")
        self._lock = threading.Lock()

    def with_checks(self, checks: Checks, memo: MemoEmbedder | None = None) -> FallbackAnswerer:
        """The same decorator over its primary applying only ``checks`` (the ablation of the answer checks)."""
        if not isinstance(self._primary, GroundedAnswerer):
            raise TypeError(f"{type(self._primary).__name__} has no answer checks to choose")
        primary = self._primary.with_checks(checks, memo)
        return FallbackAnswerer(primary, self._fallback, cooldown_s=self._cooldown_s, clock=self._clock)

    @property
    def primary_resting(self) -> bool:
        """True while the primary is skipped after a failure."""
        return self._clock() < self._down_until

    def ask(self, question: str, role: str, *, store: str | None = None) -> Answer:
        if self.primary_resting:
            return self._fallback_answer(question, role, store, "llm_resting")
        try:
            return self._primary.ask(question, role, store=store)
        except LlmUnavailableError as exc:
            self._failed(exc)
            return self._fallback_answer(question, role, store, "llm_unavailable")

    def stream(self, question: str, role: str, *, store: str | None = None) -> Iterator[AnswerEvent]:
        if self.primary_resting:
            yield AnswerDone(self._fallback_answer(question, role, store, "llm_resting"))
            return
        try:
            yield from stream_answer(self._primary, question, role, store=store)
        except LlmUnavailableError as exc:
            self._failed(exc)
            yield AnswerDone(self._fallback_answer(question, role, store, "llm_unavailable"))

    def _failed(self, exc: LlmUnavailableError) -> None:
        with self._lock:
            self._down_until = self._clock() + self._cooldown_s
        log.warning("generative answer unavailable, extractive fallback for %.0f s: %s", self._cooldown_s, exc)

    def _fallback_answer(self, question: str, role: str, store: str | None, reason: str) -> Answer:
        answer = self._fallback.ask(question, role, store=store)
        notice = answer.notice if answer.refused else messages.text("llm_unavailable", answer.language)
        return replace(answer, notice=notice, fallback=True, flags=[*answer.flags, reason])
