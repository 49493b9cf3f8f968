"""The answerer port: question in, cited answer or refusal out."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from assistant.core.domain import Answer


class Answerer(Protocol):
    """Answers a question from the documents the asker's role may read.

    Contract:
    - Every citation points to a chunk that was retrieved for this question under the asker's role.
    - ``refused`` is True (with an explanation in ``answer`` and no citations) when the documents do not
      support an answer; the answer is never invented.
    - ``language`` is the detected language of the question; fixed texts (lead-ins, refusals) use it.
    - ``store`` scopes store roles to their own store's documents (plus those for every store).
    - Raises :class:`assistant.core.errors.UnknownRoleError` for a role that is not configured.
    """

    def ask(self, question: str, role: str, *, store: str | None = None) -> Answer: ...


@dataclass(frozen=True)
class AnswerDelta:
    """Validated text ready to show: one or more complete sentences, citations already checked and renumbered.
    Concatenating the deltas gives the text shown so far (separators included)."""

    text: str
    language: str = ""  # of the answer, for the privacy output guard


@dataclass(frozen=True)
class AnswerDone:
    """The final, validated answer. It is authoritative: when it differs from the deltas shown (a refusal decided at
    the end, a fallback), the UI replaces what it streamed with ``answer.answer``."""

    answer: Answer


AnswerEvent = AnswerDelta | AnswerDone


class StreamingAnswerer(Answerer, Protocol):
    """An answerer that can also release its answer sentence by sentence.

    Contract: same as :class:`Answerer`; ``stream`` yields zero or more :class:`AnswerDelta` then exactly one
    :class:`AnswerDone` (last). Deltas only carry sentences that passed validation. Errors are raised as by ``ask``.
    """

    def stream(self, question: str, role: str, *, store: str | None = None) -> Iterator[AnswerEvent]: ...


def stream_answer(answerer: Answerer, question: str, role: str, *, store: str | None = None) -> Iterator[AnswerEvent]:
    """Stream from any answerer: its own ``stream`` when it has one, else one delta and the final answer."""
    stream = getattr(answerer, "stream", None)
    if callable(stream):
        yield from stream(question, role, store=store)
        return
    answer = answerer.ask(question, role, store=store)
    yield AnswerDelta(answer.answer, answer.language)
    yield AnswerDone(answer)
