"""The answer-level checks: what becomes of an answer once every sentence was judged (:mod:`.validation`).

In order: the model's refusal (``model_refusal``), a bare "yes, it is possible" given its proof
(``evidence_quote``), a figure taken from the wrong line replaced by the line about the question
(``misplaced_requote``), too little of the answer supported (``grounded_share``), an answer that misses the
question (``relevance``). Each applies only when enabled (:mod:`assistant.answering.checks`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.answering.anchors import asks_for_figure, figures
from assistant.answering.checks import Checks
from assistant.answering.generation_run import GenerationRun
from assistant.answering.validation import AnswerValidator


@dataclass(frozen=True)
class Thresholds:
    min_sentence_support: float  # relevance a quoted line needs
    min_grounded_share: float
    min_answer_relevance: float


def refusal_reason(
    run: GenerationRun,
    validator: AnswerValidator,
    query: tuple[np.ndarray, set[str]],
    checks: Checks,
    limits: Thresholds,
) -> str | None:
    """Why the answer is refused (a flag name), or None when the kept sentences (and any quote added here) stand.
    Flags what was quoted on ``run``."""
    counts = validator.counts
    if "model_refusal" in checks and (validator.model_refused or (validator.marker_seen and not counts.supported)):
        return "model_refused"
    said_nothing = counts.neutral or counts.questions or counts.restated  # "Oui, c'est possible.", the question
    bare = counts.supported == 0 and said_nothing and not counts.unsupported and not validator.marker_seen
    beyond = frozenset(figures(run.question)) if asks_for_figure(run.question) else None
    quoted = bare and "evidence_quote" in checks
    if quoted and validator.quote_evidence(*query, limits.min_sentence_support, beyond=beyond):
        run.flag("evidence_quoted")
    # the right kind of figure from the wrong line: the line about the question is quoted instead; being verbatim,
    # the quote stands whatever share of the answer was dropped (the notice says some was)
    misplaced = counts.supported == 0 and bool(validator.unanchored) and not validator.marker_seen
    requoted = (
        misplaced
        and "misplaced_requote" in checks
        and validator.quote_evidence(*query, limits.min_sentence_support, anchored_only=True, beyond=beyond)
    )
    if requoted:
        run.flag("evidence_quoted")
    grounding = counts.grounding
    if grounding is None or counts.supported == 0:
        too_little = True
    else:
        too_little = "grounded_share" in checks and grounding < limits.min_grounded_share
    if too_little and not requoted:
        return "ungrounded"
    relevance = validator.relevance(*query)
    run.relevance = relevance
    if "relevance" in checks and relevance < limits.min_answer_relevance and not validator.anchor_confirmed:
        return "off_topic"
    return None
