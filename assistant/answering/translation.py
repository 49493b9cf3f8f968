"""Cross-language search: a question is also searched in the documents' main language, translated by the model.

The dense model is multilingual, but the lexical branch is not, and a question names its scope in its own words:
an English question about a rule of the French stores ranks an English document that only mentions France above
the French note that states the rule. Searched once more as translated into French, the note comes back; the two
rankings are fused (:meth:`assistant.retrieval.searcher.Searcher.retrieve`).

The translation is one short generation over the *pseudonymized* question (the model sees nothing more than it
does to answer). It is used only if it is usable: one line, in the target language, keeping every pseudonym token
of the question, not much longer than it. Otherwise the question is searched as asked and the answer is flagged.
An endpoint that does not answer raises :class:`assistant.llm.ports.LlmUnavailableError` as generation would: the
fallback answerer takes over.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.answering.generation_run import GenerationRun
from assistant.core.text import detect_language
from assistant.core.tokens import tokens_in
from assistant.core.tracing import annotate, span
from assistant.llm.ports import ChatMessage, ChatModel, Completion, LlmRequestError
from assistant.retrieval.searcher import PreparedQuery, Searcher

VERSION = "query_translation@1"
_NAMES = {"fr": "French", "en": "English", "es": "Spanish", "de": "German", "it": "Italian", "nl": "Dutch"}
_SYSTEM = (
    "You translate questions for a document search engine. Translate the user's question into {target}. Keep every "
    "token written like <PERSON_1a2b3c4d5e6f7a8b> exactly as it is, and keep numbers, product references and proper "
    "names. Reply with the translated question only, on one line, without quotes or explanation."
)
_LABEL = re.compile(r"^\s*(?:[\w ]{0,20}translation|traduction|traducción|übersetzung)\s*:\s*", re.IGNORECASE)
_QUOTES = "\"'«»“”„ "
_MAX_GROWTH = 3  # a translation this many times longer than the question (plus a margin) is not one


@dataclass(frozen=True)
class Translation:
    """A translated question (``text``), or None with the reason it was not usable (``problem``)."""

    text: str | None
    target: str
    completion: Completion | None = None
    problem: str = ""


class QueryTranslator(Protocol):
    """Translates a pseudonymized question for search.

    Contract: returns a :class:`Translation` whose ``text`` is one line in ``target`` that keeps every pseudonym
    token of ``question``, or whose ``text`` is None with a ``problem`` (never an unchecked model output). Raises
    :class:`assistant.llm.ports.LlmUnavailableError` when the endpoint does not answer.
    """

    def translate(self, question: str, source: str, target: str) -> Translation: ...


class LlmQueryTranslator:
    """:class:`QueryTranslator` over the answering model (greedy decoding, a short budget)."""

    def __init__(self, chat: ChatModel, languages: Sequence[str], *, max_tokens: int = 160) -> None:
        self._chat = chat
        self._languages = list(languages)
        self._max_tokens = max_tokens

    def translate(self, question: str, source: str, target: str) -> Translation:
        system = _SYSTEM.format(target=_NAMES.get(target, target))
        messages = [ChatMessage("system", system), ChatMessage("user", question)]
        try:
            completion = self._chat.complete(messages, max_tokens=self._max_tokens, temperature=0.0)
        except LlmRequestError as exc:
            return Translation(None, target, problem=f"request failed: {type(exc).__name__}")
        return checked(question, completion, target, self._languages)


def checked(question: str, completion: Completion, target: str, languages: Sequence[str]) -> Translation:
    """``completion`` as a usable translation of ``question`` into ``target``, or the reason it is not one."""
    lines = [line for line in completion.text.strip().splitlines() if line.strip()]
    text = _LABEL.sub("", lines[0]).strip(_QUOTES) if lines else ""
    if not text:
        return Translation(None, target, completion, "empty")
    if len(text) > _MAX_GROWTH * len(question) + 40:
        return Translation(None, target, completion, "too long")
    if not tokens_in(question) <= tokens_in(text):
        return Translation(None, target, completion, "pseudonym token lost")
    if detect_language(text, languages, default="") != target:
        return Translation(None, target, completion, "not in the target language")
    if text.casefold() == question.casefold():
        return Translation(None, target, completion, "question echoed")
    return Translation(text, target, completion)


def translated_wordings(
    translator: QueryTranslator,
    searcher: Searcher,
    prepared: PreparedQuery,
    targets: Sequence[str],
    run: GenerationRun,
    clock: Callable[[], float] = time.perf_counter,
) -> list[PreparedQuery]:
    """The question as translated into each of ``targets`` but its own language, encoded for search like
    ``prepared`` (flags ``question_translated`` / ``translation_unusable``; usage and time added to ``run``)."""
    wordings = []
    for target in targets:
        if target == prepared.language:
            continue
        began = clock()
        with span("translate_query", assistant__source=prepared.language, assistant__target=target) as current:
            translation = translator.translate(prepared.text, prepared.language, target)
            annotate(current, assistant__usable=translation.text is not None, assistant__problem=translation.problem)
        run.timings["translate"] = run.timings.get("translate", 0.0) + (clock() - began) * 1000
        if translation.completion is not None:
            run.add_usage(translation.completion)
        if translation.text is None:
            run.flag("translation_unusable")
            continue
        run.flag("question_translated")
        wordings.append(searcher.rephrase(prepared, translation.text, target))
    return wordings
