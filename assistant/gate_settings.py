"""Quality gate of ``assistant eval gate`` (``ASSISTANT_GATE_*``): the minimum of each gated metric of a run's
``results.json``. Quality only: latency, tokens and cost are reported by ``eval run``, never gated (a busy machine must
not fail a release)."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

UNGATED = ("latency", "tokens", "cost")
REPORT_DIR = "eval/report"  # below the data dir: the latest run of 'assistant eval run', shown in the compliance desk


def _defaults() -> dict[str, float]:
    # The sample corpus with the CPU default's extractive answers measured 0.892 / 0.938 / 0.852 (configured hit@5,
    # hybrid hit@5 and MRR), 0.508 / 0.692 / 0.375 / 1.0 / 0.988 (answered correctly, unanswerable and ACL-denied
    # refused, citations valid, language), PII recall 0.988, precision 0.992, PERSON 0.972 (deploy/eval_gate.sh):
    # each minimum is 3-5 points below, so a change that loses a few questions on the sample corpus does not land.
    # ACL-denied questions are not a leak test (the role cannot retrieve the document: tests/integration prove it);
    # the extractive answerer answers them from another document, hence the low refusal rate.
    return {
        "retrieval.modes.configured.hit@5": 0.85,
        "retrieval.modes.hybrid.hit@5": 0.90,
        "retrieval.modes.hybrid.mrr": 0.80,
        "answers.rates.answered_correctly": 0.45,
        "answers.rates.unanswerable_refused": 0.60,
        "answers.rates.acl_denied_refused": 0.30,
        "answers.rates.citations_valid": 1.0,
        "answers.rates.language_match": 0.95,
        "pii.recall": 0.97,
        "pii.precision": 0.95,
        "pii.recall_by_entity.PERSON": 0.95,
    }


class GateSettings(BaseModel):
    minimums: dict[str, float] = Field(
        default_factory=_defaults,
        description="Metric path in results.json (under 'suites', dotted: retrieval.modes.hybrid.hit@5, "
        "answers.rates.answered_correctly, pii.recall_by_entity.PERSON...) -> its minimum. A gated metric missing "
        "from the results (its suite not run) is reported, not failed. JSON in the environment: "
        "ASSISTANT_GATE_MINIMUMS='{\"pii.recall\": 0.97}' (replaces the whole table).",
    )
    maximums: dict[str, float] = Field(
        default_factory=lambda: {"pii.brands_flagged": 0.0},
        description="Metric path -> its maximum (counts that must stay low, e.g. brand names flagged as personal "
        "data by the PII detector).",
    )

    @field_validator("minimums", "maximums")
    @classmethod
    def _quality_only(cls, value: dict[str, float]) -> dict[str, float]:
        timed = [path for path in value if any(word in path for word in UNGATED)]
        if timed:
            raise ValueError(f"{', '.join(timed)}: latency, tokens and cost are reported, never gated; remove them")
        bad = [path for path in value if path.split(".")[0] not in ("retrieval", "answers", "pii")]
        if bad:
            raise ValueError(f"{', '.join(bad)}: a gated metric starts with retrieval., answers. or pii.")
        return value
