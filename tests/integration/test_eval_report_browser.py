"""The evaluation report (eval/report.py) opened in Debian's chromium through Playwright, as a reader opens it from
disk: every chart decodes, every number reads as results.json formats it, and the page asks for nothing beyond
file:// and data:. The results are built here from simulated per-question ranks and outcomes (the metrics follow
from them as ``assistant eval run`` computes them); a real run's results.json can take their place."""

from __future__ import annotations

import json
import random
import shutil
import statistics
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eval.compare import metrics
from eval.report import format_value, value_at, write_report

pytestmark = pytest.mark.integration
MODES = ("hybrid", "dense", "sparse")
LANGUAGES = ("fr", "en")
ROLES = ("store", "hq", "marketing")
PLOTS = {
    "retrieval_by_mode",
    "retrieval_by_language",
    "recall_curve",
    "outcomes",
    "refusal_confusion",
    "latency",
    "pii_entities",
}


def retrieval(rng: random.Random, n: int) -> dict[str, Any]:
    questions = [{"id": f"q{i:03d}", "language": "en" if i % 3 == 0 else "fr"} for i in range(n)]
    for q in questions:
        q["ranks"] = {
            m: rng.choice([1, 1, 1, 2, 3, 5, 8, None][skill:]) for m, skill in zip(MODES, (0, 1, 2), strict=True)
        }

    def scores(rows: list[dict[str, Any]], mode: str) -> dict[str, Any]:
        ranks = [q["ranks"][mode] for q in rows]
        hit = [sum(r is not None and r <= k for r in ranks) / len(ranks) for k in range(1, 11)]
        mrr = sum(1 / r for r in ranks if r is not None) / len(ranks)
        return {"hit@1": hit[0], "hit@5": hit[4], "hit@10": hit[9], "mrr": mrr, "recall_curve": hit}

    modes = {}
    for mode in MODES:
        s = scores(questions, mode)
        latencies = sorted(rng.uniform(1.5, 12.0) for _ in questions)
        modes[mode] = {
            **{k: s[k] for k in ("hit@1", "hit@5", "hit@10", "mrr")},
            "ndcg@10": min(1.0, s["mrr"] * 1.04),
            "latency_p50_ms": statistics.median(latencies),
            "latency_p95_ms": latencies[int(0.95 * n)],
            "recall_curve": s["recall_curve"],
            "by_language": {
                lang: {"questions": len(rows), "hit@5": scores(rows, mode)["hit@5"], "mrr": scores(rows, mode)["mrr"]}
                for lang in LANGUAGES
                if (rows := [q for q in questions if q["language"] == lang])
            },
        }
    return {"questions": n, "modes": modes, "per_question": questions}


def answers(rng: random.Random, n: int) -> dict[str, Any]:
    kinds = ["answerable"] * (n - 12) + ["unanswerable"] * 8 + ["acl_denied"] * 4
    rows = []
    for i, kind in enumerate(kinds):
        answerable = kind == "answerable"
        outcome = (
            rng.choice(["correct"] * 5 + ["refused"] * 2 + ["wrong"])
            if answerable
            else rng.choice(["refused"] * 4 + ["answered"])
        )
        total = rng.uniform(600.0, 2600.0)
        streamed = rng.random() < 0.8
        rows.append(
            {
                "id": f"a{i:03d}",
                "language": "en" if i % 4 == 0 else "fr",
                "role": ROLES[i % 3],
                "kind": kind,
                "outcome": outcome,
                "latency_ms": total,
                "first_sentence_ms": total * 0.45 if streamed else None,
            }
        )
    answerable = [r for r in rows if r["kind"] == "answerable"]

    def tally(key: str) -> dict[str, dict[str, int]]:
        return {
            v: dict(Counter(r["outcome"] for r in answerable if r[key] == v))
            for v in sorted({r[key] for r in answerable})
        }

    def refused(kind: str) -> float:
        chosen = [r for r in rows if r["kind"] == kind]
        return sum(r["outcome"] == "refused" for r in chosen) / len(chosen)

    first = [r["first_sentence_ms"] for r in rows if r["first_sentence_ms"] is not None]
    total = sorted(r["latency_ms"] for r in rows)
    counts = Counter(r["outcome"] for r in answerable)
    unanswerable = [r for r in rows if r["kind"] != "answerable"]
    return {
        "questions": n,
        "rates": {
            "answered_correctly": counts["correct"] / len(answerable),
            "unanswerable_refused": refused("unanswerable"),
            "acl_denied_refused": refused("acl_denied"),
            "citations_valid": 1.0,
            "language_match": 0.975,
        },
        "outcomes": {k: counts[k] for k in ("correct", "refused", "wrong")},
        "by_language": tally("language"),
        "by_use_case": tally("role"),
        "refusal_confusion": {
            "answerable": {"answered": counts["correct"] + counts["wrong"], "refused": counts["refused"]},
            "unanswerable": {o: sum(r["outcome"] == o for r in unanswerable) for o in ("answered", "refused")},
        },
        "latency": {
            "first_sentence_ms": first,
            "answer_ms": [r["latency_ms"] for r in rows],
            "first_sentence_p50_ms": statistics.median(first),
            "answer_p50_ms": statistics.median(total),
            "answer_p95_ms": total[int(0.95 * n)],
        },
        "tokens": {"prompt_mean": 812.4, "completion_mean": 95.2, "cost_per_answer": 0.00012, "currency": "EUR"},
        "per_question": rows,
    }


def results(seed: int, label: str) -> dict[str, Any]:
    rng = random.Random(seed)
    return {
        "schema": 1,
        "created": f"2026-12-0{seed}T08:10:00+00:00",
        "label": label,
        "dataset": {"path": "eval/datasets/samples_golden.jsonl", "sha256": "9c1e" * 16, "questions": 86},
        "configuration": {
            "search_mode": "hybrid",
            "fusion": "dbsf",
            "top_k": 5,
            "answerer": "extractive",
            "model": None,
        },
        "suites": {
            "retrieval": retrieval(rng, 70),
            "answers": answers(rng, 86),
            "pii": {
                "sentences": 1200,
                "precision": rng.uniform(0.9, 1.0),
                "recall": rng.uniform(0.9, 1.0),
                "recall_by_entity": {e: rng.uniform(0.85, 1.0) for e in ("PERSON", "EMAIL", "PHONE", "IBAN")},
                "precision_by_entity": {e: rng.uniform(0.85, 1.0) for e in ("PERSON", "EMAIL", "PHONE")},
            },
        },
        "gate": {"passed": True, "failures": []},
    }


# Each image drawn on a canvas: a chart's background is opaque, so any transparent pixel is a part the PNG lacked.
IMAGES_JS = """els => els.map(e => {
  const canvas = document.createElement('canvas');
  canvas.width = e.naturalWidth;
  canvas.height = e.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(e, 0, 0);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let seeThrough = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] < 255) seeThrough++;
  return [e.dataset.plot, e.alt, e.complete, e.naturalWidth, e.naturalHeight, seeThrough];
})"""


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    path = shutil.which("chromium")
    if path is None:
        pytest.fail("no chromium: run deploy/browser.sh (deploy/test.sh does)")
    flags = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=flags)
        yield browser
        browser.close()


def test_the_report_opens_from_disk_with_every_chart_and_number_and_loads_nothing(
    chromium: Any, tmp_path: Path
) -> None:
    current, previous = results(5, "a1b2c3d"), results(4, "9f8e7d6")
    (tmp_path / "previous").mkdir()
    (tmp_path / "previous" / "results.json").write_text(json.dumps(previous), encoding="utf-8")
    report = write_report(json.loads(json.dumps(current)), tmp_path)  # as read back from results.json
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto(report.as_uri(), wait_until="load")
        images = page.eval_on_selector_all("img", IMAGES_JS)
        numbers = page.eval_on_selector_all("[data-metric]", "els => els.map(e => [e.dataset.metric, e.textContent])")
        arrows = page.eval_on_selector_all("[data-arrow]", "els => els.map(e => e.dataset.arrow)")
    finally:
        context.close()
    assert {plot for plot, *_ in images} == PLOTS and len(images) == len(PLOTS)
    for plot, alt, complete, width, height, see_through in images:
        assert alt and complete and width > 0 and height > 0, plot
        assert see_through == 0, f"{plot}: {see_through} pixels not drawn (a truncated PNG still has its size)"
    assert {path for path, _ in numbers} >= set(metrics(current))
    mismatched = [(p, text) for p, text in numbers if text != format_value(p, value_at(current, p))]
    assert mismatched == []
    assert set(arrows) == set(metrics(current)) & set(metrics(previous))  # the trend against previous/results.json
    assert [url for url in requests if not url.startswith(("file://", "data:"))] == []
    assert report.as_uri() in requests and problems == []
