"""Backward elimination of the answer checks over several question sets: which checks can go *together*.

Leave-one-out ablation (``assistant eval generation --ablate``, :mod:`eval.ablation`) measures each check with all the
others on; checks that overlap (two ways of refusing the same off-topic answer) each look useless there, yet removing
both loses what they guarded together. This driver removes the candidates one at a time, cumulatively: for each
candidate, in the order given, it answers every set again (in this process, replaying the recorded completions, the
live model filling the prompts they lack) with the checks still kept minus that candidate, and compares with the
current configuration.
The candidate stays only when removing it costs at least :data:`eval.ablation.PAYS_AT` questions net over the sets
and at least one net on the held-out set (the first set whose name contains ``heldout``): a check that only the
set it was tuned on pays for goes.

    python -m eval.elimination --set golden:DATA_DIR:RUN.jsonl --set heldout:DATA_DIR:RUN.jsonl:DATASET:CORPUS \\
        --candidates model_refusal,truncated,... --out DIR

The prompts the transcripts lacked are recorded in ``DIR/<set>-fill.jsonl``; the decisions are printed and written
to ``DIR/elimination.json``. The LLM server must run (``assistant llm serve``) for those prompts. A set with a
``CORPUS`` is answered over the isolated index ``eval generation --corpus`` built under its data dir.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.answering.checks import NAMES, SAFETY
from eval.ablation import OUTCOMES, PAYS_AT, RIGHT, outcome


@dataclass(frozen=True)
class QuestionSet:
    name: str
    data_dir: Path
    transcript: Path  # the recorded run to replay
    dataset: Path | None = None
    corpus: Path | None = None

    @classmethod
    def parse(cls, spec: str) -> QuestionSet:
        parts = spec.split(":")
        if len(parts) not in (3, 5):
            raise argparse.ArgumentTypeError(f"--set {spec!r}: NAME:DATA_DIR:RUN.jsonl[:DATASET:CORPUS]")
        name, data_dir, run = parts[:3]
        dataset, corpus = (Path(parts[3]), Path(parts[4])) if len(parts) == 5 else (None, None)
        return cls(name, Path(data_dir), Path(run), dataset, corpus)


class Runner:
    """One question set answered in this process: a container over the set's data dir (the corpus's isolated index
    with ``corpus``, ingested beforehand by ``eval generation --corpus``) replaying the set's transcript, the live
    model filling what it lacks into ``fill``; the context embeddings are memoised across configurations."""

    def __init__(self, qs: QuestionSet, fill: Path) -> None:
        from assistant.answering.fallback import FallbackAnswerer
        from assistant.container import Container
        from assistant.embeddings.memo import MemoEmbedder
        from assistant.settings import load_settings
        from eval.golden import SAMPLES_GOLDEN, load_golden

        settings = load_settings()
        llm = settings.llm.model_copy(update={"backend": "replay", "replay_from": qs.transcript, "record_to": fill})
        data_dir = qs.data_dir
        if qs.corpus is not None:
            key = hashlib.sha256(str(qs.corpus.resolve()).encode()).hexdigest()[:12]  # as eval generation --corpus
            data_dir = qs.data_dir / "eval" / key
            if not data_dir.is_dir():
                raise SystemExit(f"{data_dir}: ingest the corpus first (eval generation --corpus {qs.corpus})")
        self.container = Container(settings.model_copy(update={"llm": llm, "data_dir": data_dir}))
        answerer = self.container.pseudonymized_answerer
        if not isinstance(answerer, FallbackAnswerer):
            raise SystemExit("the generative answerer is needed (ASSISTANT_LLM_BACKEND is none)")
        self._answerer, self._memo = answerer, MemoEmbedder(self.container.searcher.embedder)
        self.questions = load_golden(qs.dataset or SAMPLES_GOLDEN)

    def answer(self, checks: list[str]) -> dict[str, str]:
        from assistant.answering.checks import Checks
        from eval.generation import evaluate_generation

        answerer = self._answerer.with_checks(Checks.of(checks), self._memo)
        report = evaluate_generation(answerer, self.questions, self.container.settings.ingestion.languages)
        return {r.id: outcome(r) for r in report.results}


def net(before: dict[str, str], after: dict[str, str]) -> int:
    """Questions right before and not after, minus the reverse."""
    return sum(int(before[q] in RIGHT) - int(after.get(q, before[q]) in RIGHT) for q in before)


def removable(net_lost: dict[str, int], held_out: str) -> bool:
    """A candidate stays only when removing it loses at least :data:`PAYS_AT` questions net over the sets *and* at
    least one net on the held-out set: a check that only the set it was tuned on pays for goes."""
    return not (sum(net_lost.values()) >= PAYS_AT and net_lost[held_out] >= 1)


def counts(outcomes: dict[str, str]) -> dict[str, int]:
    return {o: sum(v == o for v in outcomes.values()) for o in OUTCOMES}


def eliminate(
    answer: dict[str, Callable[[list[str]], dict[str, str]]],
    candidates: list[str],
    held_out: str,
    report: Callable[[str], None] = lambda line: None,
) -> dict[str, Any]:
    """The backward elimination: ``answer[set](checks)`` gives each question's outcome with those checks; every
    candidate, in order, is removed from the checks still kept when :func:`removable` says so. Returns the checks
    kept and removed and each step's net losses and outcome counts."""
    kept = list(NAMES)
    current = {name: run(kept) for name, run in answer.items()}
    steps: list[dict[str, Any]] = [{"step": "all checks", "counts": {k: counts(v) for k, v in current.items()}}]
    report(f"all checks: {steps[0]['counts']}")
    for name in candidates:
        trial = [c for c in kept if c != name]
        after = {k: run(trial) for k, run in answer.items()}
        per_set = {k: net(current[k], after[k]) for k in current}
        removed = removable(per_set, held_out)
        if removed:
            kept, current = trial, after
        steps.append({"step": name, "net_lost": per_set, "removed": removed,
                      "counts": {k: counts(v) for k, v in after.items()}})  # fmt: skip
        report(f"{name}: net lost {per_set} -> {'removed' if removed else 'stays'}")
    return {"candidates": candidates, "kept": kept, "removed": [c for c in NAMES if c not in kept], "steps": steps}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", dest="sets", action="append", type=QuestionSet.parse, required=True)
    parser.add_argument("--candidates", required=True, help="Comma-separated checks, tried in this order.")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    candidates = [c for c in args.candidates.split(",") if c]
    bad = [c for c in candidates if c not in NAMES or c in SAFETY]
    if bad:
        parser.error(f"--candidates: {bad} are no removable check (safety checks stay: {sorted(SAFETY)})")
    held = next((s.name for s in args.sets if "heldout" in s.name), args.sets[-1].name)
    args.out.mkdir(parents=True, exist_ok=True)
    runners = {s.name: Runner(s, args.out / f"{s.name}-fill.jsonl") for s in args.sets}
    try:
        result = eliminate({k: r.answer for k, r in runners.items()}, candidates, held, print)
    finally:
        for runner in runners.values():
            runner.container.close()
    (args.out / "elimination.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"kept: {', '.join(result['kept'])}\nremoved: {', '.join(result['removed']) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
