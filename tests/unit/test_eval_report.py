"""The evaluation report (eval/report.py) and the comparison of two runs (eval/compare.py), on results dicts shaped as
``results.json`` (schema 1)."""

from __future__ import annotations

import base64
import copy
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from eval.compare import compare, direction, metrics
from eval.report import format_value, render_report, value_at, write_report

pytestmark = pytest.mark.unit
PNG = b"\x89PNG\r\n\x1a\n"


# A results.json as `assistant eval run` writes it (schema 1): every suite, a null rate, counts, latency samples.
RESULTS = """{"schema": 1, "created": "2026-12-05T08:10:00+00:00", "label": "a1b2c3d",
 "dataset": {"path": "eval/datasets/samples_golden.jsonl", "sha256": "9c1e5f0a7b3d", "questions": 6},
 "configuration": {"search_mode": "hybrid", "fusion": "dbsf", "top_k": 5, "answerer": "extractive", "model": null},
 "suites": {
  "retrieval": {"questions": 4, "modes": {
    "hybrid": {"hit@1": 0.5, "hit@5": 0.75, "hit@10": 1.0, "mrr": 0.6234, "ndcg@10": 0.7, "latency_p50_ms": 3.14,
               "latency_p95_ms": 7.05, "recall_curve": [0.5, 0.5, 0.5, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 1.0],
               "by_language": {"fr": {"questions": 3, "hit@5": 0.667, "mrr": 0.5555},
                               "en": {"questions": 1, "hit@5": 1.0, "mrr": 1.0}}},
    "dense": {"hit@1": 0.25, "hit@5": 0.5, "hit@10": 0.75, "mrr": 0.3734, "ndcg@10": 0.45, "latency_p50_ms": 5.64,
              "latency_p95_ms": 9.0, "recall_curve": [0.25, 0.25, 0.5, 0.5, 0.5, 0.5, 0.75, 0.75, 0.75, 0.75],
              "by_language": {"fr": {"questions": 3, "hit@5": 0.333, "mrr": 0.25},
                              "en": {"questions": 1, "hit@5": 1.0, "mrr": 1.0}}},
    "sparse": {"hit@1": 0.5, "hit@5": 0.5, "hit@10": 0.5, "mrr": 0.5, "ndcg@10": 0.5, "latency_p50_ms": 1.2,
               "latency_p95_ms": 2.75, "recall_curve": [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]}},
   "per_question": [{"id": "q01", "language": "fr", "ranks": {"hybrid": 1, "dense": 3, "sparse": null}},
                    {"id": "q02", "language": "fr", "ranks": {"hybrid": 4, "dense": 7, "sparse": 2}},
                    {"id": "q03", "language": "en", "ranks": {"hybrid": null, "dense": null, "sparse": null}}]},
  "answers": {"questions": 6,
   "rates": {"answered_correctly": 0.5, "unanswerable_refused": 1.0, "acl_denied_refused": null,
             "citations_valid": 1.0, "language_match": 0.8333333},
   "outcomes": {"correct": 2, "refused": 1, "wrong": 1},
   "by_language": {"fr": {"correct": 2, "refused": 0, "wrong": 1}, "en": {"correct": 0, "refused": 1}},
   "by_use_case": {"store": {"correct": 1, "refused": 1, "wrong": 0}, "hq": {"correct": 1, "wrong": 1}},
   "refusal_confusion": {"answerable": {"answered": 3, "refused": 1}, "unanswerable": {"answered": 0, "refused": 2}},
   "latency": {"first_sentence_ms": [812.0, 640.5, 701.25], "answer_ms": [1500.2, 1210.0, 990.0, 2000.0],
               "first_sentence_p50_ms": 701.25, "answer_p50_ms": 1355.1, "answer_p95_ms": 1925.03},
   "tokens": {"prompt_mean": 812.44, "completion_mean": 95.25, "cost_per_answer": 0.00012, "currency": "EUR"},
   "per_question": [
    {"id": "q01", "language": "fr", "role": "store", "kind": "answerable", "outcome": "correct",
     "latency_ms": 1500.2, "first_sentence_ms": 812.0},
    {"id": "q02", "language": "en", "role": "hq", "kind": "answerable", "outcome": "wrong",
     "latency_ms": 1210.0, "first_sentence_ms": null},
    {"id": "q05", "language": "fr", "role": "store", "kind": "unanswerable", "outcome": "refused",
     "latency_ms": 990.0, "first_sentence_ms": 640.5}]},
  "pii": {"sentences": 120, "precision": 0.95, "recall": 0.9712,
          "recall_by_entity": {"PERSON": 0.96, "EMAIL": 1.0, "PHONE": 0.99},
          "precision_by_entity": {"PERSON": 0.93, "EMAIL": 1.0}}},
 "gate": {"passed": false,
          "failures": [{"metric": "answers.rates.answered_correctly", "value": 0.5, "threshold": 0.55}]}}
"""


def full_results() -> dict[str, Any]:
    results: dict[str, Any] = json.loads(RESULTS)
    return results


def only(*suites: str) -> dict[str, Any]:
    results = full_results()
    results["suites"] = {k: v for k, v in results["suites"].items() if k in suites}
    results["gate"] = None
    return results


class Page(HTMLParser):
    """The page's tagged numbers, images and every attribute value (to look for URLs)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.numbers: list[tuple[str, str]] = []
        self.images: list[dict[str, str | None]] = []
        self.arrows: dict[str, tuple[str, str]] = {}
        self.deltas: dict[str, str] = {}
        self._open: list[tuple[str, str]] = []  # (kind, path) of the tagged element being read
        self._text = ""
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "img":
            self.images.append(a)
        for kind in ("data-metric", "data-delta", "data-arrow"):
            if a.get(kind) is not None:
                self._open.append((kind, f"{a[kind]}|{a.get('class', '')}"))
                self._text = ""

    def handle_data(self, data: str) -> None:
        self._text += data

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag in {"td", "span", "th"}:
            kind, key = self._open.pop()
            path, css = key.split("|")
            if kind == "data-metric":
                self.numbers.append((path, self._text))
            elif kind == "data-delta":
                self.deltas[path] = self._text
            else:
                self.arrows[path] = (self._text, css)


@pytest.mark.parametrize(
    ("suites", "plots"),
    [
        (
            ("retrieval", "answers", "pii"),
            {
                "retrieval_by_mode",
                "retrieval_by_language",
                "recall_curve",
                "outcomes",
                "refusal_confusion",
                "latency",
                "pii_entities",
            },
        ),
        (("retrieval",), {"retrieval_by_mode", "retrieval_by_language", "recall_curve"}),
        (("answers",), {"outcomes", "refusal_confusion", "latency"}),
        (("pii",), {"pii_entities"}),
        ((), set()),
    ],
)
def test_the_page_shows_every_number_of_the_results_once_formatted_and_only_the_plots_it_has_data_for(
    suites: tuple[str, ...], plots: set[str]
) -> None:
    results = full_results() if len(suites) == 3 else only(*suites)
    page = Page(render_report(results))
    shown = {path for path, _ in page.numbers}
    assert set(metrics(results)) <= shown, set(metrics(results)) - shown
    for path, text in page.numbers:
        assert text == format_value(path, value_at(results, path)), path
    assert "dataset.questions" in shown and "configuration.top_k" in shown
    if "answers" in suites:
        assert ("answers.rates.acl_denied_refused", "—") in page.numbers  # a null rate is shown as such
    assert {str(img.get("data-plot")) for img in page.images} == plots
    for img in page.images:
        assert img.get("alt")
        src = str(img.get("src"))
        assert src.startswith("data:image/png;base64,")
        png = base64.b64decode(src.split(",", 1)[1])
        assert png.startswith(PNG) and len(png) > 2000  # a drawn chart, not an empty frame


def test_a_chart_without_data_is_left_out_not_drawn_empty() -> None:
    results = only("retrieval", "answers")
    for mode in results["suites"]["retrieval"]["modes"].values():
        mode.pop("by_language", None)
        mode.pop("recall_curve")
    answers = results["suites"]["answers"]
    del answers["by_language"], answers["by_use_case"]
    answers["latency"].update(first_sentence_ms=[], answer_ms=[])
    page = Page(render_report(results))
    assert {img.get("data-plot") for img in page.images} == {"retrieval_by_mode", "refusal_confusion"}


def test_the_page_names_nothing_outside_itself() -> None:
    text = render_report(full_results(), full_results())
    assert "http://" not in text and "https://" not in text and "url(" not in text
    assert text.count(" src=") == text.count(' src="data:image/png;base64,') > 0


def test_strings_from_the_results_are_escaped() -> None:
    results = full_results()
    results["label"] = "<script>alert(1)</script>"
    results["configuration"]["model"] = '"><img src=x onerror=alert(1)>'
    results["suites"]["answers"]["by_use_case"]["<b>role</b>"] = {"correct": 1}
    results["gate"]["not_measured"] = ["<i>pii.recall</i>"]
    text = render_report(results)
    assert "<script>" not in text and "<img src=x" not in text and "<b>role" not in text and "<i>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "&lt;b&gt;role&lt;/b&gt;" in text


@pytest.mark.parametrize(
    ("path", "value", "text"),
    [
        ("answers.rates.answered_correctly", 0.46, "0.460"),
        ("answers.rates.acl_denied_refused", None, "—"),
        ("retrieval.modes.hybrid.latency_p95_ms", 7.04, "7.0"),
        ("answers.latency.answer_p50_ms", 1300, "1300.0"),
        ("answers.outcomes.correct", 30, "30"),
        ("retrieval.questions", 70.0, "70"),
        ("pii.sentences", 1200, "1200"),
        ("answers.tokens.prompt_mean", 812.44, "812.4"),
        ("answers.tokens.cost_per_answer", 0.00012, "0.000120"),
        ("pii.recall_by_entity.PERSON", 1, "1.000"),
        ("configuration.top_k", 5, "5"),
        ("pii.brands_flagged", 2, "2"),
    ],
)
def test_format_value(path: str, value: float | None, text: str) -> None:
    assert format_value(path, value) == text


def test_the_trend_shows_the_arrow_and_delta_of_each_metric_in_both_runs() -> None:
    previous, current = full_results(), full_results()
    modes = current["suites"]["retrieval"]["modes"]
    modes["hybrid"]["hit@5"] = 0.875  # up: better
    modes["hybrid"]["mrr"] = 0.5  # down: worse
    modes["hybrid"]["latency_p50_ms"] = 5.0  # slower: up, and worse
    modes["dense"]["latency_p50_ms"] = 1.0  # faster: down, and better
    current["suites"]["answers"]["outcomes"]["wrong"] = 3  # a count: neutral
    del previous["suites"]["pii"]  # not in both runs: no trend
    page = Page(render_report(current, previous))
    assert page.arrows["retrieval.modes.hybrid.hit@5"] == ("▲", "better")
    assert page.deltas["retrieval.modes.hybrid.hit@5"] == "+0.125"
    assert page.arrows["retrieval.modes.hybrid.mrr"] == ("▼", "worse")
    assert page.deltas["retrieval.modes.hybrid.mrr"] == "-0.123"
    assert page.arrows["retrieval.modes.hybrid.latency_p50_ms"] == ("▲", "worse")
    assert page.deltas["retrieval.modes.hybrid.latency_p50_ms"] == "+1.9"
    assert page.arrows["retrieval.modes.dense.latency_p50_ms"] == ("▼", "better")
    assert page.arrows["answers.outcomes.wrong"] == ("▲", "neutral")
    assert page.arrows["answers.rates.answered_correctly"] == ("=", "neutral")
    assert set(page.arrows) == set(metrics(current)) & set(metrics(previous))
    assert not any(p.startswith("pii.") for p in page.arrows)


def test_write_report_reads_the_previous_run_from_its_folder(tmp_path: Path) -> None:
    assert "id='trend'" not in write_report(full_results(), tmp_path).read_text(encoding="utf-8")
    previous = full_results()
    previous["label"] = "0ld0ld0"
    (tmp_path / "previous").mkdir()
    (tmp_path / "previous" / "results.json").write_text(json.dumps(previous), encoding="utf-8")
    path = write_report(full_results(), tmp_path)
    assert path == tmp_path / "report.html"
    assert "id='trend'" in path.read_text(encoding="utf-8") and "0ld0ld0" in path.read_text(encoding="utf-8")


def test_metrics_flattens_numeric_leaves_under_the_suites_only() -> None:
    flat = metrics(full_results())
    assert flat["retrieval.modes.hybrid.hit@5"] == 0.75
    assert flat["retrieval.modes.dense.by_language.fr.hit@5"] == 0.333
    assert flat["answers.outcomes.correct"] == 2.0 and flat["pii.recall_by_entity.PERSON"] == 0.96
    assert flat["answers.refusal_confusion.unanswerable.refused"] == 2.0
    assert flat["answers.tokens.cost_per_answer"] == 0.00012
    assert "answers.rates.acl_denied_refused" not in flat  # null: no such question
    assert not any("per_question" in p or "recall_curve" in p for p in flat)
    assert "answers.latency.answer_p50_ms" in flat and "answers.latency.answer_ms" not in flat  # a list
    assert "answers.tokens.currency" not in flat
    assert not any(p.startswith(("dataset", "configuration", "gate")) for p in flat)
    assert all(isinstance(v, float) for v in flat.values())
    assert metrics({"suites": {}}) == {} and metrics({}) == {}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("retrieval.modes.hybrid.mrr", 1),
        ("answers.latency.answer_p95_ms", -1),
        ("answers.tokens.cost_per_answer", -1),
        ("answers.outcomes.wrong", 0),
        ("pii.sentences", 0),
        ("pii.brands_flagged", -1),  # a brand flagged as personal data: fewer is better
    ],
)
def test_direction(path: str, expected: int) -> None:
    assert direction(path) == expected


def test_compare_finds_changed_metrics_outcomes_and_top5_crossings(tmp_path: Path) -> None:
    a, b = full_results(), copy.deepcopy(full_results())
    b["label"] = "e5f6a7b"
    b["suites"]["answers"]["rates"]["answered_correctly"] = 0.75
    b["suites"]["answers"]["per_question"][1]["outcome"] = "correct"  # q02: wrong -> correct
    ranks = {q["id"]: q["ranks"] for q in b["suites"]["retrieval"]["per_question"]}
    ranks["q01"]["hybrid"] = 3  # moved, still in the top 5
    ranks["q02"]["hybrid"] = 6  # left the top 5
    ranks["q03"]["hybrid"] = 2  # entered it
    del b["suites"]["pii"]["precision"]
    diff = compare(a, b)
    by_path = {m.path: m for m in diff.metrics}
    changed = by_path["answers.rates.answered_correctly"]
    assert (changed.a, changed.b, changed.delta) == (0.5, 0.75, 0.25)
    assert (by_path["pii.precision"].a, by_path["pii.precision"].b, by_path["pii.precision"].delta) == (
        0.95,
        None,
        None,
    )
    assert by_path["pii.recall"].delta == 0.0
    assert [(c.id, c.a, c.b) for c in diff.outcomes] == [("q02", "wrong", "correct")]
    assert [(c.id, c.a, c.b) for c in diff.ranks] == [("q02", 4, 6), ("q03", None, 2)]
    as_json = json.loads(json.dumps(diff.as_json()))
    assert as_json["outcome_changes"] == [{"id": "q02", "a": "wrong", "b": "correct"}]
    assert {"metric": "answers.rates.answered_correctly", "a": 0.5, "b": 0.75, "delta": 0.25} in as_json["metrics"]
    table = diff.table()
    assert "a1b2c3d" in table and "e5f6a7b" in table
    line = next(row for row in table.splitlines() if row.startswith("answers.rates.answered_correctly "))
    assert line.split()[1:] == ["0.500", "0.750", "+0.250", "▲"]
    assert "q02: wrong -> correct" in table and "q03: — -> 2" in table
    png = diff.plot_png(tmp_path / "new folder" / "deltas.png")
    assert png.read_bytes().startswith(PNG)


def test_compare_of_a_run_with_itself_has_no_change(tmp_path: Path) -> None:
    diff = compare(full_results(), full_results())
    assert all(m.delta == 0.0 for m in diff.metrics) and diff.outcomes == [] and diff.ranks == []
    assert diff.label_a != diff.label_b
    assert diff.plot_png(tmp_path / "none.png").read_bytes().startswith(PNG)
