"""Ablation of the answer checks: what each one contributes, measured by replaying a recorded run with it disabled.

For every check of :data:`assistant.answering.checks.REGISTRY`, the question set is answered again with that check
alone disabled (the model's completions served from a transcript: ``--replay``; a prompt the recording lacks, a
retry that only happens without the check, goes to the live model when ``--record`` is given too). Each question's
outcome is one of :data:`OUTCOMES`; a check's **contribution** is the number of questions whose outcome is right
with every check and wrong without this one, minus the reverse (net). A check *pays* when disabling it costs at
least :data:`PAYS_AT` questions net over the question sets measured (``python -m eval.ablation A.json B.json``
combines the reports of two sets); the safety checks stay whatever the measurement says.

The report holds ids, outcomes and counts only (no answer text).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.answering.checks import ALL, NAMES, SAFETY, Checks, info
from assistant.answering.ports import Answerer
from eval.generation import QuestionResult, evaluate_generation
from eval.golden import GoldenQuestion

OUTCOMES = ("correct", "wrong", "refused_should_answer", "answered_should_refuse", "refused_right")
RIGHT = frozenset({"correct", "refused_right"})
PAYS_AT = 2


def outcome(result: QuestionResult) -> str:
    if result.kind == "answerable":
        if result.refused:
            return "refused_should_answer"
        return "correct" if result.ok else "wrong"
    return "refused_right" if result.refused else "answered_should_refuse"


@dataclass
class Variant:
    """One run: ``disabled`` is the check left out ("" for the baseline with every check)."""

    disabled: str
    outcomes: dict[str, str]
    flags: Counter[str] = field(default_factory=Counter)

    def counts(self) -> dict[str, int]:
        found = Counter(self.outcomes.values())
        return {o: found.get(o, 0) for o in OUTCOMES}


@dataclass
class AblationReport:
    dataset: str
    baseline: Variant
    variants: list[Variant] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "questions": len(self.baseline.outcomes),
            "baseline": {"counts": self.baseline.counts(), "outcomes": self.baseline.outcomes,
                         "flags": dict(self.baseline.flags)},
            "variants": [{"disabled": v.disabled, "counts": v.counts(), "outcomes": v.outcomes} for v in self.variants],
        }  # fmt: skip


def run_ablation(
    answerer_for: Callable[[Checks], Answerer],
    questions: Sequence[GoldenQuestion],
    languages: Sequence[str],
    *,
    dataset: str,
    names: Sequence[str] = NAMES,
    progress: Callable[[str, int], None] | None = None,
) -> AblationReport:
    """The baseline (every check) then one run per check of ``names`` with that check disabled."""

    def run(checks: Checks, disabled: str) -> Variant:
        report = evaluate_generation(answerer_for(checks), questions, languages)
        flags = Counter(f for r in report.results for f in r.answer.flags)
        variant = Variant(disabled, {r.id: outcome(r) for r in report.results}, flags)
        if progress is not None:
            progress(disabled or "baseline", sum(o in RIGHT for o in variant.outcomes.values()))
        return variant

    result = AblationReport(dataset, run(ALL, ""))
    for name in names:
        result.variants.append(run(ALL.without(name), name))
    return result


@dataclass(frozen=True)
class Contribution:
    check: str
    safety: bool
    lost: int  # questions right with the check, wrong without it
    gained: int  # questions wrong with the check, right without it
    per_set: dict[str, int]
    moves: Counter[str]  # "baseline outcome -> outcome without the check"

    @property
    def net(self) -> int:
        return self.lost - self.gained

    @property
    def pays(self) -> bool:
        return self.net >= PAYS_AT


def contributions(reports: Sequence[dict[str, Any]]) -> list[Contribution]:
    """Per check, over every report (the JSON of :meth:`AblationReport.as_json`)."""
    out = []
    checks = [v["disabled"] for v in reports[0]["variants"]] if reports else []
    for name in checks:
        lost = gained = 0
        per_set: dict[str, int] = {}
        moves: Counter[str] = Counter()
        for report in reports:
            base = report["baseline"]["outcomes"]
            variant = next((v for v in report["variants"] if v["disabled"] == name), None)
            if variant is None:
                continue
            net = 0
            for qid, before in base.items():
                after = variant["outcomes"].get(qid, before)
                if after == before:
                    continue
                moves[f"{before} -> {after}"] += 1
                right_before, right_after = before in RIGHT, after in RIGHT
                lost += right_before and not right_after
                gained += right_after and not right_before
                net += int(right_before) - int(right_after)
            per_set[report["dataset"]] = net
        out.append(Contribution(name, name in SAFETY, lost, gained, per_set, moves))
    return out


def table(reports: Sequence[dict[str, Any]]) -> str:
    """The contribution table: one row per check, net questions lost without it, per set and in all."""
    sets = [r["dataset"] for r in reports]
    lines = [f"{'check':<20}" + "".join(f"{s[:18]:>20}" for s in sets) + f"{'net':>6}{'lost':>6}{'gained':>7}  verdict"]
    for c in contributions(reports):
        verdict = "safety: stays" if c.safety else ("pays" if c.pays else "does not pay")
        cells = "".join(f"{c.per_set.get(s, 0):>20}" for s in sets)
        lines.append(f"{c.check:<20}{cells}{c.net:>6}{c.lost:>6}{c.gained:>7}  {verdict}")
        for move, n in sorted(c.moves.items()):
            lines.append(f"{'':<22}{n} x {move}")
    for r in reports:
        counts = r["baseline"]["counts"]
        lines.append(f"baseline {r['dataset']}: {r['questions']} questions " + ", ".join(
            f"{k} {v}" for k, v in counts.items()))  # fmt: skip
    lines.append(f"a check pays when disabling it loses >= {PAYS_AT} questions net over the sets; purposes:")
    lines.extend(f"  {c.check}: {info(c.check).purpose}" for c in contributions(reports))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Combine ablation reports (assistant eval generation --ablate "
                                     "--json) of several question sets into one contribution table.")  # fmt: skip
    parser.add_argument("reports", nargs="+", type=Path)
    parser.add_argument("--json", action="store_true", help="Print the contributions as JSON.")
    args = parser.parse_args(argv)
    reports = [json.loads(p.read_text(encoding="utf-8")) for p in args.reports]
    if args.json:
        rows = [
            {"check": c.check, "safety": c.safety, "net": c.net, "lost": c.lost, "gained": c.gained, "pays": c.pays,
             "per_set": c.per_set, "moves": dict(c.moves)}
            for c in contributions(reports)
        ]  # fmt: skip
        json.dump(rows, sys.stdout, indent=1)
        print()
    else:
        print(table(reports))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
