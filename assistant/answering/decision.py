"""The answer-level checks: what becomes of an answer once every sentence was judged (:mod:`.validation`).

Each is a small object named in the registry (:mod:`assistant.answering.checks`: purpose, action) with a pure
``check`` that reads the judged answer and returns a verdict or None; it changes nothing. :func:`refusal_reason`
asks the enabled ones in registry order and applies their verdicts through one table (:func:`_apply`): "refuse"
ends with the verdict's reason (the answer's flag), "quote evidence" adds a verbatim line of the context. In order:
the model's refusal (``model_refusal``), a bare "yes, it is possible" given its proof (``evidence_quote``), a figure
taken from the wrong line replaced by the line about the question (``misplaced_requote``), too little of the answer
supported (``grounded_share``), an answer that misses the question (``relevance``). Whatever is enabled, an answer
with nothing supported and nothing quoted in place of a misplaced figure is refused as ungrounded.

The "retry once" checks (``language_retry``, ``value_retry``) are asked by the answerer after a generation
(:mod:`assistant.answering.grounded`), which asks the model once more when they object.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from assistant.answering.anchors import asks_for_figure, figures
from assistant.answering.checks import Checks, Registered, Verdict
from assistant.answering.generation_run import GenerationRun
from assistant.answering.validation import AnswerValidator
from assistant.core.text import detect_language


@dataclass(frozen=True)
class Thresholds:
    min_sentence_support: float  # relevance a quoted line needs
    min_grounded_share: float
    min_answer_relevance: float


@dataclass(frozen=True)
class Judged:
    """The answer as the answer-level checks read it: the validator that judged its sentences (a check never changes
    it), the question (vector, content words), the figures of a question that asks for one (None: it asks for none;
    a quote must state another), the thresholds, and what the walk found so far."""

    validator: AnswerValidator
    query: tuple[np.ndarray, set[str]]
    beyond: frozenset[str] | None
    limits: Thresholds
    requoted: bool = False  # a verbatim line about the question replaced a misplaced figure
    relevance: float = 0.0  # measured once the answer stands grounded


class AnswerRefusal(Registered):
    """The refusal marker appeared and nothing was supported (the answer-level side of ``model_refusal``; the
    sentence-level side refuses an answer that opens with the marker)."""

    name = "model_refusal"

    def check(self, judged: Judged) -> Verdict | None:
        validator = judged.validator
        refused = validator.model_refused or (validator.marker_seen and not validator.counts.supported)
        return self.objection("model_refused") if refused else None


class EvidenceQuote(Registered):
    """An answer that said nothing checkable (a bare yes, the question echoed back) and nothing unsupported gets
    the context line that best answers the question, as its proof."""

    name = "evidence_quote"
    anchored_only = False

    def check(self, judged: Judged) -> Verdict | None:
        v, counts = judged.validator, judged.validator.counts
        said_nothing = counts.neutral or counts.questions or counts.restated
        bare = counts.supported == 0 and said_nothing and not counts.unsupported and not v.marker_seen
        return self.objection("asserts nothing checkable") if bare else None


class MisplacedRequote(Registered):
    """Nothing supported, and a figure was dropped because its line is about something else: the line about the
    question is quoted instead (verbatim, it stands whatever share of the answer was dropped)."""

    name = "misplaced_requote"
    anchored_only = True

    def check(self, judged: Judged) -> Verdict | None:
        v = judged.validator
        misplaced = v.counts.supported == 0 and bool(v.unanchored) and not v.marker_seen
        return self.objection("a figure from a line about something else") if misplaced else None


class GroundedShare(Registered):
    """Too small a share of the checkable sentences was supported (the dropped ones make the answer doubtful)."""

    name = "grounded_share"

    def check(self, judged: Judged) -> Verdict | None:
        counts, limits = judged.validator.counts, judged.limits
        grounding = counts.grounding
        if grounding is None or counts.supported == 0 or judged.requoted:
            return None  # nothing supported: refused whatever is enabled, unless requoted (:func:`refusal_reason`)
        return self.objection("ungrounded") if grounding < limits.min_grounded_share else None


class Relevance(Registered):
    """The best kept sentence, as written and through its evidence, misses the question, and no kept figure comes
    from a passage naming every anchor of the question."""

    name = "relevance"

    def check(self, judged: Judged) -> Verdict | None:
        low = judged.relevance < judged.limits.min_answer_relevance
        return self.objection("off_topic") if low and not judged.validator.anchor_confirmed else None


class LanguageRetry(Registered):
    """An answer in another language than the question's is asked for again once (then answered extractively)."""

    name = "language_retry"

    def check(self, text: str, language: str, languages: Sequence[str]) -> Verdict | None:
        same = detect_language(text, languages, default=language) == language
        return None if same else self.objection("written in another language")


class ValueRetry(Registered):
    """A sentence lacked its value ("The request must be submitted by [2] March.") and none was supported or
    shown; the model did not refuse: asked for once more."""

    name = "value_retry"

    def check(self, validator: AnswerValidator) -> Verdict | None:
        counts = validator.counts
        missing = bool(counts.unfinished) and not (counts.supported or counts.neutral or validator.marker_seen)
        return self.objection("only its value was missing") if missing else None


MODEL_REFUSAL, EVIDENCE_QUOTE, MISPLACED_REQUOTE = AnswerRefusal(), EvidenceQuote(), MisplacedRequote()
GROUNDED_SHARE, RELEVANCE = GroundedShare(), Relevance()
LANGUAGE_RETRY, VALUE_RETRY = LanguageRetry(), ValueRetry()
ANSWER_CHECKS = (MODEL_REFUSAL, EVIDENCE_QUOTE, MISPLACED_REQUOTE, GROUNDED_SHARE, RELEVANCE)  # registry order
RETRY_CHECKS = (LANGUAGE_RETRY, VALUE_RETRY)


def refusal_reason(
    run: GenerationRun,
    validator: AnswerValidator,
    query: tuple[np.ndarray, set[str]],
    checks: Checks,
    limits: Thresholds,
) -> str | None:
    """Why the answer is refused (a flag name), or None when the kept sentences (and any quote added here) stand.
    Flags what was quoted on ``run``, and records its relevance there once it stands grounded."""
    beyond = frozenset(figures(run.question)) if asks_for_figure(run.question) else None
    judged = Judged(validator, query, beyond, limits)
    for check in ANSWER_CHECKS:
        if check is RELEVANCE:
            if (validator.counts.grounding is None or validator.counts.supported == 0) and not judged.requoted:
                return "ungrounded"
            judged = replace(judged, relevance=validator.relevance(*query))
            run.relevance = judged.relevance
        verdict = check.check(judged) if check.name in checks else None
        if verdict is not None:
            reason, judged = _apply(check, verdict, judged, run)
            if reason is not None:
                return reason
    return None


def _apply(
    check: AnswerRefusal | EvidenceQuote | MisplacedRequote | GroundedShare | Relevance,
    verdict: Verdict,
    judged: Judged,
    run: GenerationRun,
) -> tuple[str | None, Judged]:
    """The table of the answer-level actions: "refuse" ends with the verdict's reason; "quote evidence" quotes the
    context line that best answers the question (only a line naming the question's anchors for a misplaced figure)
    when one is relevant enough, flagged "evidence_quoted"."""
    if verdict.action == "refuse":
        return verdict.reason, judged
    if verdict.action == "quote evidence" and isinstance(check, EvidenceQuote | MisplacedRequote):
        limits = judged.limits
        quoted = judged.validator.quote_evidence(
            *judged.query, limits.min_sentence_support, anchored_only=check.anchored_only, beyond=judged.beyond
        )
        if quoted:
            run.flag("evidence_quoted")
        return None, replace(judged, requoted=judged.requoted or (quoted and check.anchored_only))
    raise ValueError(f"no answer-level effect for {check.name}: {verdict.action!r}")
