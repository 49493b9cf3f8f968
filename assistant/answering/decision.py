"""The answer-level checks: what becomes of an answer once every sentence was judged (:mod:`.validation`).

Each is a small object named in the registry (:mod:`assistant.answering.checks`: purpose, action) with a pure
``check`` that reads the judged answer and returns a verdict or None; it changes nothing. :func:`refusal_reason`
asks the enabled ones in registry order and applies their verdicts through one table (:func:`_apply`): "refuse"
ends with the verdict's reason (the answer's flag), "quote evidence" adds a verbatim line of the context. In order:
a bare "yes, it is possible" given its proof (``evidence_quote``), an answer that misses the question
(``relevance``). Whatever is enabled, an answer with nothing supported is refused as ungrounded.

The "retry once" check (``language_retry``) is asked by the answerer after a generation
(:mod:`assistant.answering.grounded`), which asks the model once more when it objects.
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
    relevance: float = 0.0  # measured once the answer stands grounded


class EvidenceQuote(Registered):
    """An answer whose sentences only asked a question or restated the question's words (a yes/no echoing it), with
    nothing supported or unsupported, gets the context line that best answers the question, as its proof."""

    name = "evidence_quote"

    def check(self, judged: Judged) -> Verdict | None:
        v, counts = judged.validator, judged.validator.counts
        said_nothing = counts.questions or counts.restated
        bare = counts.supported == 0 and said_nothing and not counts.unsupported and not v.marker_seen
        return self.objection("asserts nothing checkable") if bare else None


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


EVIDENCE_QUOTE, RELEVANCE, LANGUAGE_RETRY = EvidenceQuote(), Relevance(), LanguageRetry()
ANSWER_CHECKS = (EVIDENCE_QUOTE, RELEVANCE)  # registry order
RETRY_CHECKS = (LANGUAGE_RETRY,)


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
            if validator.counts.grounding is None or validator.counts.supported == 0:
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
    check: EvidenceQuote | Relevance,
    verdict: Verdict,
    judged: Judged,
    run: GenerationRun,
) -> tuple[str | None, Judged]:
    """The table of the answer-level actions: "refuse" ends with the verdict's reason; "quote evidence" quotes the
    context line that best answers the question when one is relevant enough, flagged "evidence_quoted"."""
    if verdict.action == "refuse":
        return verdict.reason, judged
    if verdict.action == "quote evidence" and isinstance(check, EvidenceQuote):
        if judged.validator.quote_evidence(*judged.query, judged.limits.min_sentence_support, beyond=judged.beyond):
            run.flag("evidence_quoted")
        return None, judged
    raise ValueError(f"no answer-level effect for {check.name}: {verdict.action!r}")
