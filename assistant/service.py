"""The one way a question is asked: answer, trace, and exactly one audit record, whatever happens.

Every question (CLI ``ask``, the chat UI) goes through :class:`QueryService`. It runs the pseudonymized answerer
inside an ``ask`` span, records the outcome — answered, refused, fallback or failed — in the audit log with the
pseudonymized question and answer, then passes the answer through the privacy boundary (re-identification for
authorised roles, output guard for everyone) before anyone sees it. Marketing drafts keep the same discipline
through :class:`assistant.drafting.DraftService`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import replace

from assistant.answering.followup import FollowUps, Standalone
from assistant.answering.ports import AnswerDelta, AnswerDone, Answerer, AnswerEvent, stream_answer
from assistant.answering.revealing import reveal_event
from assistant.core.domain import Answer
from assistant.core.errors import InvalidInputError
from assistant.core.text import clean_text, detect_language
from assistant.core.tracing import activated, annotate, failed, start_span, trace_id
from assistant.finops.pricing import estimate_cost
from assistant.recording import Asker, Recorder
from audit.entry import AuditEntry, AuditPayload, RetrievedChunk

__all__ = ["Asker", "QueryService"]


class QueryService:
    def __init__(
        self,
        answerer: Answerer,
        recorder: Recorder,
        *,
        may_reidentify: Callable[[str], bool] = lambda role: False,
        use_case: str = "store_qa",
        max_question_chars: int | None = None,
        followups: FollowUps | None = None,
        languages: Sequence[str] = ("fr",),
        nothing_to_read: Callable[[Asker, str], str | None] | None = None,
    ) -> None:
        """``answerer`` returns pseudonymized answers (the privacy boundary is applied here, after recording);
        ``recorder.protect`` pseudonymizes a question for the record when the answerer failed before doing it; a
        question longer than ``max_question_chars`` is refused with :class:`InvalidInputError` (and recorded, cut).
        ``nothing_to_read(asker, language)``: why a refusal without any hit is not "not found" (no document indexed,
        or none the asker's role may read), or None; that reason then replaces the refusal text."""
        self._answerer = answerer
        self._rec = recorder
        self._may_reidentify = may_reidentify
        self._use_case = use_case
        self._max_chars = max_question_chars
        self._followups = followups or FollowUps()
        self._languages = list(languages)
        self._nothing_to_read = nothing_to_read

    def ask(self, question: str, asker: Asker, follow_up_of: int | None = None) -> Answer:
        done: Answer | None = None
        for event in self.stream(question, asker, follow_up_of):
            if isinstance(event, AnswerDone):
                done = event.answer
        assert done is not None  # the answerer contract: exactly one AnswerDone
        return done

    def stream(
        self, question: str, asker: Asker, follow_up_of: int | None = None
    ) -> Generator[AnswerEvent, None, None]:
        """Validated sentences as they come, then the final answer carrying its ``audit_seq``. ``follow_up_of``: the
        audit seq of the asker's previous answer in the conversation (the question is then made standalone first).

        The ``ask`` span is made current only while the answerer works (each ``next``), never across a ``yield``:
        the chat UI pulls events from worker threads, and a context attached in one of them cannot be detached in
        another."""
        started = time.perf_counter()
        question = clean_text(question)  # lone surrogates (undecodable bytes) as U+FFFD, no control or bidi character
        self._rec.audit.ensure_writable()  # a question that cannot be recorded is not answered (AuditStoreError)
        root = start_span("ask", assistant__role=asker.role, assistant__use_case=self._use_case)
        trace = trace_id(root)
        shown: list[str] = []  # the sentences streamed, pseudonymized: what the asker saw before the final answer
        recorded = False
        standalone = Standalone(question)
        try:
            self._check_length(question)
            with activated(root):
                if follow_up_of is not None:
                    standalone = self._standalone(question, follow_up_of, asker)
                events = stream_answer(self._answerer, standalone.text, asker.role, store=asker.store)
            while True:
                with activated(root):
                    event = next(events, None)
                if event is None:
                    return
                if isinstance(event, AnswerDelta):
                    shown.append(event.text)
                    yield self._shown(event, asker.role)
                    continue
                answer = replace(
                    self._explained(event.answer, asker), understood=standalone.text if standalone.rewritten else ""
                )
                follow = {"follow_up_of": follow_up_of, "follow_up": standalone.how} if follow_up_of else {}
                with activated(root):
                    total_ms = (time.perf_counter() - started) * 1000
                    seq = self._record(question, asker, answer, trace, total_ms, shown, follow)
                recorded = True
                annotate(root, assistant__refused=answer.refused, assistant__fallback=answer.fallback)
                annotate(root, assistant__audit_seq=seq)
                yield self._shown(AnswerDone(replace(answer, audit_seq=seq)), asker.role)
        except GeneratorExit:  # the reader went away (closed tab, `| head`): still one record
            if not recorded:  # not when it went away after the final answer, already recorded
                self._record_failure(question, asker, "Abandoned", trace, started)
            raise
        except BaseException as exc:  # a failure, or Ctrl-C / SystemExit while the answerer worked
            failed(root, exc)
            if not recorded:
                self._record_failure(question, asker, type(exc).__name__, trace, started)
            raise
        finally:
            root.end()

    def feedback(self, seq: int, rating: int, asker: Asker, comment: str | None = None) -> int:
        """Link a rating (and an optional comment, pseudonymized) to the answer recorded as ``seq``."""
        rec = self._rec
        rec.acl(asker)  # an unknown role rates nothing (UnknownRoleError)
        text = rec.protect(comment) if comment and rec.protect else comment
        return rec.audit.add_feedback(seq, rating, text, user=rec.user(asker)).seq

    def _standalone(self, question: str, seq: int, asker: Asker) -> Standalone:
        """The follow-up made standalone from the asker's own previous question (pseudonymized, as recorded)."""
        rec = self._rec
        view = rec.audit.get(seq)
        header, payload = (view.header or {}, view.payload or {}) if view is not None else ({}, {})
        if header.get("operation") != "ask" or not payload.get("question"):
            raise InvalidInputError(f"there is no answer #{seq} to follow up on (it may have been erased or purged)")
        if payload.get("user_id") != rec.user(asker):
            raise InvalidInputError(f"answer #{seq} was not given to you: follow up on one of your own answers")
        protected = rec.protected(question) or ""
        language = detect_language(protected, self._languages)
        return self._followups.standalone(protected, str(payload["question"]), language)

    def _explained(self, answer: Answer, asker: Asker) -> Answer:
        """A refusal with no hit at all, when the role can read nothing: said so, instead of "not found" (the first-run
        trap: every document got an audience the role does not read)."""
        if not answer.refused or answer.hits or self._nothing_to_read is None:
            return answer
        reason = self._nothing_to_read(asker, answer.language)
        if reason is None:
            return answer
        return replace(answer, answer=reason, notice="", flags=[*answer.flags, "nothing_readable"])

    def _check_length(self, question: str) -> None:
        if self._max_chars is not None and len(question) > self._max_chars:
            raise InvalidInputError(
                f"the question is {len(question):,} characters long, more than the {self._max_chars:,} allowed "
                "(ASSISTANT_ANSWER_MAX_QUESTION_CHARS): ask about one point at a time, without pasting whole "
                "documents or e-mails"
            )

    # -- the privacy boundary on the way out -------------------------------------------------------------------
    def _shown(self, event: AnswerEvent, role: str) -> AnswerEvent:
        reveal = self._rec.reveal
        if reveal is None:
            return event
        shown = reveal_event(event, role, reveal)
        if isinstance(shown, AnswerDone) and shown.answer.understood:
            answer = shown.answer
            return AnswerDone(replace(answer, understood=reveal(answer.understood, role, answer.language)))
        return shown

    # -- the audit record ----------------------------------------------------------------------------------------
    def _record(
        self,
        question: str,
        asker: Asker,
        answer: Answer,
        trace: str,
        total_ms: float,
        shown: list[str],
        follow: dict[str, object],
    ) -> int:
        """``shown``: the sentences streamed before ``answer``. When the answer was then refused (a check of the
        whole answer failed), the asker still saw them, so they are recorded too and count as re-identified."""
        withdrawn = "".join(shown) if answer.refused and shown else ""
        rec = self._rec
        reidentifying = rec.reveal is not None and self._may_reidentify(asker.role)
        generate_ms = answer.timings_ms.get("generate", 0.0)
        entry = AuditEntry(
            operation="ask",
            role=asker.role,
            store=asker.store,
            use_case=answer.use_case or self._use_case,
            retrieved=tuple(RetrievedChunk(h.chunk.chunk_id, h.chunk.doc_id, round(h.score, 4)) for h in answer.hits),
            acl_filter=rec.acl(asker),
            model=answer.model or "extractive",
            prompt_version=answer.prompt_version or None,
            cited_chunks=tuple(c.chunk_id for c in answer.citations),
            grounded=None if answer.grounding is None else answer.grounding >= 1.0,
            refused=answer.refused,
            fallback=answer.fallback,
            latency_ms={**{k: round(v, 1) for k, v in answer.timings_ms.items()}, "total": round(total_ms, 1)},
            tokens={"prompt": answer.prompt_tokens, "completion": answer.completion_tokens},
            cost_eur=round(estimate_cost(rec.costs, answer.prompt_tokens, answer.completion_tokens, generate_ms), 6),
            trace_id=trace or None,
            extra={
                "mode": answer.mode,
                "language": answer.language,
                "grounding": answer.grounding,
                "relevance": answer.relevance,
                "flags": list(answer.flags),
                "reidentified": reidentifying and (not answer.refused or bool(withdrawn)),
                "streamed_then_refused": bool(withdrawn),
                **asker.front_door(),
                **follow,
            },
            payload=AuditPayload(
                user_id=rec.user(asker),
                question=answer.question or rec.protected(question),
                answer=f"{withdrawn.strip()}\n\n{answer.answer}" if withdrawn else answer.answer,
                citations=tuple(c.title for c in answer.citations),
            ),
        )
        return rec.audit.record(entry).seq

    def _record_failure(self, question: str, asker: Asker, error: str, trace: str, started: float) -> None:
        rec = self._rec
        entry = AuditEntry(
            operation="ask",
            role=asker.role,
            store=asker.store,
            use_case=self._use_case,
            acl_filter=rec.acl_if_known(asker),
            error=error,
            latency_ms={"total": round((time.perf_counter() - started) * 1000, 1)},
            trace_id=trace or None,
            extra=asker.front_door(),
            payload=AuditPayload(user_id=rec.user(asker), question=rec.protected(question[: self._max_chars])),
        )
        rec.audit.record(entry)
