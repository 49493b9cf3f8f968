"""The generative answerer: an LLM writes, the application decides what may be shown.

Retrieval (pseudonymized question, also searched as translated into the documents' main languages, role filter
inside the index) -> numbered context (injected chunks quarantined, documents fenced as data, character budget) ->
one streamed generation -> every sentence checked as it completes (citations validated against the numbered blocks
and repaired from sentence support, unsupported sentences dropped) -> answer language enforced (one retry with a
stronger instruction, then the extractive answer) -> the answer, or a refusal with the escalation hint when
nothing it wrote is supported or the answer misses the question.

Raises :class:`assistant.llm.ports.LlmUnavailableError` when the endpoint does not answer (see
:class:`assistant.answering.fallback.FallbackAnswerer`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import replace

import numpy as np

from assistant.answering import messages as texts
from assistant.answering.anchors import Anchors
from assistant.answering.block_checks import ANY_SUPPORT
from assistant.answering.checks import Checks
from assistant.answering.citations import strip_markers
from assistant.answering.context import Context, build_context
from assistant.answering.decision import LANGUAGE_RETRY, Thresholds, refusal_reason
from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.focus import QuestionFocus
from assistant.answering.generation_run import USE_CASE, GenerationRun
from assistant.answering.grounding import SupportScorer
from assistant.answering.injection import echo_terms
from assistant.answering.lexical import content_terms
from assistant.answering.ports import AnswerDelta, AnswerDone, AnswerEvent
from assistant.answering.prompts import load_prompt
from assistant.answering.translation import QueryTranslator, translated_wordings
from assistant.answering.validation import AnswerValidator
from assistant.core.domain import Answer
from assistant.core.text import detect_language, words
from assistant.core.tracing import annotate, span
from assistant.embeddings.memo import MemoEmbedder
from assistant.llm.client_settings import LlmSettings
from assistant.llm.ports import ChatMessage, ChatModel
from assistant.retrieval.searcher import PreparedQuery, Searcher
from assistant.settings import AnswerSettings

_WORDS_TO_JUDGE_LANGUAGE = 8


class GroundedAnswerer:
    def __init__(
        self,
        searcher: Searcher,
        chat: ChatModel,
        extractive: ExtractiveAnswerer,
        answer_settings: AnswerSettings,
        llm_settings: LlmSettings,
        languages: Sequence[str],
        *,
        translator: QueryTranslator | None = None,
        clock: Callable[[], float] = time.perf_counter,
        checks: Checks | None = None,
        memo: MemoEmbedder | None = None,
    ) -> None:
        self._searcher = searcher
        self._translator = translator
        self._chat = chat
        self._extractive = extractive
        self._answer = answer_settings
        self._llm = llm_settings
        self._languages = list(languages)
        self._clock = clock
        self.checks = checks if checks is not None else Checks.of(llm_settings.answer_checks)
        self._memo = memo  # shared across questions only by the ablation (the same set answered many times)

    def with_checks(self, checks: Checks, memo: MemoEmbedder | None = None) -> GroundedAnswerer:
        """The same answerer (same searcher, model and settings) applying only ``checks`` (ablation); ``memo``: passage
        vectors kept across questions and variants (one set answered once per check embeds its context once)."""
        return GroundedAnswerer(
            self._searcher, self._chat, self._extractive, self._answer, self._llm, self._languages,
            translator=self._translator, clock=self._clock, checks=checks, memo=memo,
        )  # fmt: skip

    def ask(self, question: str, role: str, *, store: str | None = None) -> Answer:
        """One whole (non-streamed) generation: endpoints report token usage for it."""
        for event in self._events(question, role, store, streaming=False):
            if isinstance(event, AnswerDone):
                return event.answer
        raise AssertionError("the answer ended without its final event")  # pragma: no cover

    def stream(self, question: str, role: str, *, store: str | None = None) -> Iterator[AnswerEvent]:
        return self._events(question, role, store, streaming=True)

    def _events(self, question: str, role: str, store: str | None, *, streaming: bool) -> Iterator[AnswerEvent]:
        started = self._clock()
        prompt = load_prompt(USE_CASE, self._llm.prompts_dir)
        prepared = self._searcher.prepare_query(question, role, self._answer.top_k, store=store)
        if prepared is None:
            run = GenerationRun(started, detect_language(question, self._languages), [], prompt, self._chat.model_name)
            yield AnswerDone(self._refusal(run, "empty_question"))
            return
        run = GenerationRun(started, prepared.language, [], prompt, self._chat.model_name, question=prepared.text)
        translated = (
            translated_wordings(
                self._translator, self._searcher, prepared, self._llm.translate_queries_to, run, self._clock
            )
            if self._translator is not None
            else []
        )
        hits = run.hits = self._searcher.retrieve(prepared, *translated)
        run.timings["retrieve"] = self._ms(started) - run.timings.get("translate", 0.0)
        embedder = self._memo or MemoEmbedder(
            self._searcher.embedder
        )  # focus and support checks embed the same sentences
        query = self._query(prepared)  # (vector, content words) of the pseudonymized question
        focus = QuestionFocus(embedder, query[0], prepared.text) if self._llm.focus_context else None
        context = build_context(
            hits,
            max_chunks=self._llm.max_context_chunks,
            max_chars=self._llm.max_context_chars,
            focus=focus.excerpt if focus else None,
        )
        if context.quarantined:
            run.flag("injection_quarantined")
        if not context.blocks:
            yield AnswerDone(self._refusal(run, "no_context"))
            return
        checks = self.checks
        scorer = SupportScorer(
            context.evidence(),
            embedder,
            threshold=ANY_SUPPORT,  # a cited block backs a sentence with any support the block checks leave
            anchors=Anchors.of(prepared.text, run.language),
            translated=[Anchors.of(wording.text, wording.language) for wording in translated],
            checks=checks,
        )
        chat = prompt.messages(run.language, context=context.render(), question=prepared.text)
        validator = AnswerValidator(
            scorer,
            run.language,
            prompt.refusal_marker,
            echo_terms([h.chunk.text for h, _ in context.quarantined], [b.text for b in context.blocks], prepared.text),
            prepared.text,
            checks,
        )
        in_language = yield from self._attempt(chat, validator, run, streaming)
        if not in_language:
            run.flag("language_retry")
            retry = [
                ChatMessage("assistant", validator.raw_text),
                ChatMessage("user", prompt.retry_instruction(run.language)),
            ]
            validator = AnswerValidator(
                scorer, run.language, prompt.refusal_marker, validator.echo_terms, prepared.text, checks
            )
            in_language = yield from self._attempt([*chat, *retry], validator, run, streaming)
        if not in_language:
            yield AnswerDone(self._language_fallback(run, prepared))
            return
        with span("validate", assistant__blocks=len(context.blocks)) as current:  # no yield inside: safe to attach
            final = self._final(run, validator, context, query)
            annotate(
                current,
                assistant__refused=final.refused,
                assistant__grounding=final.grounding,
                assistant__citations=len(final.citations),
                assistant__flags=",".join(final.flags),
                assistant__validate_ms=run.timings.get("validate"),  # sentence checks, interleaved with generation
            )
        yield AnswerDone(final)

    def _attempt(
        self, chat: list[ChatMessage], validator: AnswerValidator, run: GenerationRun, streaming: bool
    ) -> Generator[AnswerEvent, None, bool]:
        """One generation; releases kept sentences once the answer language is confirmed."""
        pending: list[str] = []
        verdict: bool | None = None
        began = self._clock()
        validating = 0.0
        if streaming:
            stream = self._chat.stream(chat, max_tokens=self._llm.max_tokens, on_complete=run.add_usage)
        else:
            stream = self._whole(chat, run)
        fragments = 0
        run.finish_reason = ""
        try:
            for fragment in stream:
                fragments += 1
                tick = self._clock()
                pending += validator.feed(fragment)
                validating += self._clock() - tick
                if verdict is None and len(words(self._language_sample(validator))) >= _WORDS_TO_JUDGE_LANGUAGE:
                    verdict = self._in_language(validator, run.language)
                    if not verdict:
                        if streaming:  # cancelled: the endpoint reports no usage, count what was streamed
                            run.flag("usage_estimated")
                            run.completion_tokens += fragments
                        break
                if verdict and pending:
                    run.timings.setdefault("first_sentence", self._ms(run.started))
                    yield AnswerDelta("".join(pending), run.language)
                    pending.clear()
        finally:
            close = getattr(stream, "close", None)
            if callable(close):
                close()
        run.timings["generate"] = run.timings.get("generate", 0.0) + self._ms(began) - validating * 1000
        if verdict is False:
            return False
        tick = self._clock()
        pending += validator.finish()
        validating += self._clock() - tick
        run.timings["validate"] = run.timings.get("validate", 0.0) + validating * 1000
        if verdict is None:
            verdict = self._in_language(validator, run.language)
        if verdict and pending:
            run.timings.setdefault("first_sentence", self._ms(run.started))
            yield AnswerDelta("".join(pending), run.language)
        return verdict

    def _whole(self, chat: list[ChatMessage], run: GenerationRun) -> Iterator[str]:
        completion = self._chat.complete(chat, max_tokens=self._llm.max_tokens)
        run.add_usage(completion)
        yield completion.text

    def _language_sample(self, validator: AnswerValidator) -> str:
        text = strip_markers(validator.raw_text)
        marker = validator.refusal_marker
        return text.replace(marker, " ") if marker else text

    def _in_language(self, validator: AnswerValidator, language: str) -> bool:
        """False when the ``language_retry`` check objects to what was written so far (asked once more)."""
        if LANGUAGE_RETRY.name not in self.checks:
            return True
        return LANGUAGE_RETRY.check(self._language_sample(validator), language, self._languages) is None

    def _query(self, prepared: PreparedQuery) -> tuple[np.ndarray, set[str]]:
        dense = prepared.request.dense
        if dense is not None:
            return np.asarray(dense, dtype=np.float32), content_terms(prepared.text)
        return self._searcher.embedder.embed_queries([prepared.text])[0], content_terms(prepared.text)

    def _final(
        self, run: GenerationRun, validator: AnswerValidator, context: Context, query: tuple[np.ndarray, set[str]]
    ) -> Answer:
        for flag in validator.repair_flags():
            run.flag(flag)
        llm = self._llm
        limits = Thresholds(self._answer.min_sentence_support, llm.min_answer_relevance)
        reason = refusal_reason(run, validator, query, self.checks, limits)
        grounding = validator.counts.grounding
        if reason is not None:
            return self._refusal(run, reason, grounding)
        citations = [context.blocks[i].citation() for i in validator.cited.order]
        notice = texts.text("unsupported_removed", run.language) if validator.counts.unsupported else ""
        return self._stopped(run).answer(validator.kept_text, citations=citations, notice=notice, grounding=grounding)

    def _refusal(self, run: GenerationRun, reason: str, grounding: float | None = None) -> Answer:
        run.flag(reason)
        return self._stopped(run).answer(texts.text("refusal", run.language), refused=True, grounding=grounding)

    def _language_fallback(self, run: GenerationRun, prepared: PreparedQuery) -> Answer:
        run.flag("language_fallback")
        extractive = self._extractive.answer_from_hits(  # it never quotes quarantined chunks
            prepared.text, run.language, run.hits, query_vector=prepared.request.dense
        )
        stopped = self._stopped(run)
        answer = stopped.answer(extractive.answer, refused=extractive.refused, citations=extractive.citations)
        notice = extractive.notice if extractive.refused else texts.text("language_fallback", run.language)
        return replace(answer, mode=extractive.mode, notice=notice, fallback=True)

    def _stopped(self, run: GenerationRun) -> GenerationRun:
        """``run`` with its total time taken now (call when its Answer is built)."""
        run.timings["total"] = self._ms(run.started)
        return run

    def _ms(self, since: float) -> float:
        return (self._clock() - since) * 1000
