"""``assistant eval run``: the suites of one evaluation, as one ``results.json`` (its schema: ``eval/results.md``).

- ``retrieval``: hit@1/5/10, MRR, nDCG@10, index latency and the recall-at-k curve of dense, sparse and hybrid search
  (30 chunks deep, per language too), and of the search as configured (``configured``: the settings' mode and the
  answerer's ``top_k`` chunks, the depth an answer is made from);
- ``answers``: every question through the configured answerer as staff get it (streamed, pseudonymized): outcomes
  per language and per use case (the question's role), the refusal confusion matrix, latency (first sentence, whole
  answer), tokens and estimated cost per answer;
- ``pii``: per-entity precision and recall of the PII detector on the generated French + English benchmark.

``refusal`` and ``latency`` name the ``answers`` suite (they are measured on the same answers); ``all`` is every suite.
The results hold ids, languages, roles and numbers only: no question, answer or personal data.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.core.index import SearchMode
from assistant.finops.pricing import estimate_cost
from assistant.finops.settings import CostSettings
from assistant.retrieval.searcher import Searcher
from eval.generation import GenerationReport
from eval.golden import GoldenQuestion
from eval.metrics import dedupe, ndcg_at
from eval.pii.benchmark import BenchmarkReport
from eval.retrieval import _percentile

SCHEMA = 1
SUITES = ("retrieval", "answers", "pii")
ALIASES = {"refusal": ("answers",), "latency": ("answers",), "all": SUITES}
MODES: tuple[SearchMode, ...] = ("dense", "sparse", "hybrid")
DEPTH = 30  # chunks ranked per question for the mode comparison (de-duplicated to documents)
CURVE = 10  # recall at k = 1..CURVE


def parse_suites(text: str) -> tuple[str, ...]:
    """``retrieval,answers`` -> the suites to run, in their fixed order; unknown names raise ValueError."""
    wanted: set[str] = set()
    for name in (part.strip() for part in text.split(",") if part.strip()):
        if name in SUITES:
            wanted.add(name)
        elif name in ALIASES:
            wanted.update(ALIASES[name])
        else:
            raise ValueError(
                f"unknown suite {name!r}: use a comma-separated subset of {', '.join((*SUITES, *ALIASES))}"
            )
    if not wanted:
        raise ValueError("no suite named: use e.g. --suite all")
    return tuple(s for s in SUITES if s in wanted)


def _rank(ranked: Sequence[str], gold: set[str]) -> int | None:
    for position, doc in enumerate(dedupe(ranked)[:CURVE], 1):
        if doc in gold:
            return position
    return None


def _rate(values: Sequence[float]) -> float:
    return round(sum(values) / len(values), 4) if values else 0.0


def _mode_metrics(ranks: list[int | None], ndcg: list[float], latency: list[float]) -> dict[str, Any]:
    lat = sorted(latency)
    curve = [_rate([1.0 if r is not None and r <= k else 0.0 for r in ranks]) for k in range(1, CURVE + 1)]
    return {
        "hit@1": curve[0],
        "hit@5": curve[4],
        "hit@10": curve[9],
        "mrr": _rate([1.0 / r if r else 0.0 for r in ranks]),
        "ndcg@10": _rate(ndcg),
        "latency_p50_ms": round(_percentile(lat, 50), 3),
        "latency_p95_ms": round(_percentile(lat, 95), 3),
        "recall_curve": curve,
    }


def retrieval_suite(
    searcher: Searcher, questions: Sequence[GoldenQuestion], configured: tuple[SearchMode, int]
) -> dict[str, Any]:
    """Rank every answerable question's chunks once per mode (and as configured) and score them against gold."""
    variants: list[tuple[str, SearchMode, int]] = [(m, m, DEPTH) for m in MODES]
    variants.append(("configured", configured[0], configured[1]))
    usable = [q for q in questions if q.gold and not q.acl_denied]  # ACL-denied questions are negative tests
    ranks: dict[str, list[int | None]] = {name: [] for name, _, _ in variants}
    ndcg: dict[str, list[float]] = {name: [] for name, _, _ in variants}
    latency: dict[str, list[float]] = {name: [] for name, _, _ in variants}
    scored: list[GoldenQuestion] = []
    for q in usable:
        request = searcher.prepare(q.question, q.role, DEPTH, mode="hybrid")
        if request is None:
            continue
        scored.append(q)
        gold = set(q.gold)
        for name, mode, depth in variants:
            started = time.perf_counter()
            hits = searcher.index.search(replace(request, mode=mode, top_k=depth))
            latency[name].append((time.perf_counter() - started) * 1000)
            ranked = [h.chunk.doc_id if h.chunk.doc_id in gold else Path(h.chunk.source).stem for h in hits]
            ranks[name].append(_rank(ranked, gold))
            ndcg[name].append(ndcg_at(ranked, gold, 10))
    modes: dict[str, Any] = {}
    for name, _, _ in variants:
        metrics = _mode_metrics(ranks[name], ndcg[name], latency[name])
        by_language: dict[str, Any] = {}
        for language in sorted({q.language or "?" for q in scored}):
            chosen = [r for q, r in zip(scored, ranks[name], strict=True) if (q.language or "?") == language]
            by_language[language] = {
                "questions": len(chosen),
                "hit@5": _rate([1.0 if r is not None and r <= 5 else 0.0 for r in chosen]),
                "mrr": _rate([1.0 / r if r else 0.0 for r in chosen]),
            }
        modes[name] = {**metrics, "by_language": by_language}
    per_question = [
        {"id": q.id, "language": q.language, "ranks": {name: ranks[name][i] for name, _, _ in variants}}
        for i, q in enumerate(scored)
    ]
    return {"questions": len(scored), "modes": modes, "per_question": per_question}


def _outcome(kind: str, ok: bool, refused: bool) -> str:
    if kind == "answerable":
        return "correct" if ok else "refused" if refused else "wrong"
    return "refused" if refused else "answered"


def answers_suite(report: GenerationReport, questions: Sequence[GoldenQuestion], costs: CostSettings) -> dict[str, Any]:
    """The answers of ``report`` (one per question of ``questions``, same order) as outcomes, rates, latency, cost."""
    summary = report.summary()
    rows: list[dict[str, Any]] = []
    by_language: dict[str, Counter[str]] = {}
    by_use_case: dict[str, Counter[str]] = {}
    confusion = {"answerable": Counter[str](), "unanswerable": Counter[str]()}
    costs_each: list[float] = []
    for q, r in zip(questions, report.results, strict=True):
        outcome = _outcome(r.kind, r.ok, r.refused)
        confusion["answerable" if r.kind == "answerable" else "unanswerable"][
            "refused" if r.refused else "answered"
        ] += 1
        if r.kind == "answerable":
            by_language.setdefault(q.language or "?", Counter())[outcome] += 1
            by_use_case.setdefault(q.role, Counter())[outcome] += 1
        a = r.answer
        costs_each.append(estimate_cost(costs, a.prompt_tokens, a.completion_tokens, a.timings_ms.get("generate", 0.0)))
        rows.append(
            {
                "id": r.id,
                "language": q.language,
                "role": q.role,
                "kind": r.kind,
                "outcome": outcome,
                "latency_ms": round(r.latency_ms, 1),
                "first_sentence_ms": None if r.first_sentence_ms is None else round(r.first_sentence_ms, 1),
            }
        )

    def counts(counter: Counter[str]) -> dict[str, int]:
        return {name: counter[name] for name in ("correct", "refused", "wrong")}

    firsts = sorted(r.first_sentence_ms for r in report.results if r.first_sentence_ms is not None)
    wholes = sorted(r.latency_ms for r in report.results)
    answers = [r.answer for r in report.results]
    n = len(answers) or 1
    return {
        "questions": len(report.results),
        "rates": {name: summary[name] for name in ("answered_correctly", "unanswerable_refused",
                                                    "acl_denied_refused", "citations_valid", "language_match")},
        "outcomes": counts(sum(by_language.values(), Counter())),
        "by_language": {k: counts(v) for k, v in sorted(by_language.items())},
        "by_use_case": {k: counts(v) for k, v in sorted(by_use_case.items())},
        "refusal_confusion": {k: {"answered": v["answered"], "refused": v["refused"]} for k, v in confusion.items()},
        "latency": {
            "first_sentence_ms": [round(v, 1) for v in firsts],
            "answer_ms": [round(v, 1) for v in wholes],
            "first_sentence_p50_ms": round(_percentile(firsts, 50), 1) if firsts else None,
            "answer_p50_ms": round(_percentile(wholes, 50), 1),
            "answer_p95_ms": round(_percentile(wholes, 95), 1),
        },
        "tokens": {
            "prompt_mean": round(sum(a.prompt_tokens for a in answers) / n, 1),
            "completion_mean": round(sum(a.completion_tokens for a in answers) / n, 1),
            "cost_per_answer": round(sum(costs_each) / n, 6),
            "currency": costs.currency,
        },
        "per_question": rows,
    }  # fmt: skip


def pii_suite(report: BenchmarkReport) -> dict[str, Any]:
    """The PII benchmark's report in the results' shape (brand and product names flagged count as a metric)."""
    return {
        "sentences": report.n_sentences,
        "precision": round(report.overall.precision, 4),
        "recall": round(report.overall.recall, 4),
        "brands_flagged": report.allow_list_false_positives,
        "recall_by_entity": {name: round(e.recall, 4) for name, e in sorted(report.per_entity.items())},
        "precision_by_entity": {name: round(e.precision, 4) for name, e in sorted(report.per_entity.items())},
    }


def dataset_info(path: Path, questions: int) -> dict[str, Any]:
    return {"path": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "questions": questions}


def results(
    suites: dict[str, dict[str, Any]], dataset: dict[str, Any], configuration: dict[str, Any], label: str | None
) -> dict[str, Any]:
    created = datetime.now(UTC).isoformat(timespec="seconds")
    return {"schema": SCHEMA, "created": created, "label": label, "dataset": dataset,
            "configuration": configuration, "suites": suites, "gate": None}  # fmt: skip


def keep_previous(out_dir: Path) -> Path | None:
    """Move the folder's last ``results.json`` (and its report) to ``previous/``, the trend's baseline."""
    last = out_dir / "results.json"
    if not last.is_file():
        return None
    previous = out_dir / "previous"
    previous.mkdir(parents=True, exist_ok=True)
    for name in ("results.json", "report.html"):
        if (out_dir / name).is_file():
            shutil.move(out_dir / name, previous / name)
    return previous / "results.json"


def progress_printer(print_line: Callable[[str], None], total: int) -> Callable[[int, Any], None]:
    def progress(number: int, result: Any) -> None:
        if number == total or number % 10 == 0:
            print_line(f"answers {number}/{total}")

    return progress
