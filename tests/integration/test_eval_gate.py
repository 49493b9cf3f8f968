"""``assistant eval run`` and ``eval gate`` on the ingested sample corpus, as an operator runs them: the default
configuration passes the gate, a degraded one (dense-only search answering from one chunk) fails it, naming the
metric; the report of the real run opens in Chromium with every plot drawn and the numbers of results.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import run_cli

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def data_dir(corpus_data_dir: tuple[Path, dict[str, Any]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("eval-gate") / "data"
    shutil.copytree(corpus_data_dir[0], copy)
    return copy


def _run(data_dir: Path, out: Path, *args: str, expect: int, **env: str) -> dict[str, Any]:
    extra = {"ASSISTANT_LLM_BACKEND": "none", **env}
    run_cli(data_dir, "eval", "run", "--out", str(out), "--gate", *args, expect=expect, env_extra=extra)
    results: dict[str, Any] = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return results


def test_the_default_passes_the_gate_and_a_degraded_search_fails_it(data_dir: Path, tmp_path: Path) -> None:
    default = _run(data_dir, tmp_path / "default", "--suite", "retrieval", expect=0)
    assert default["gate"]["passed"] and "answers.rates.answered_correctly" in default["gate"]["not_measured"]
    degraded = _run(data_dir, tmp_path / "degraded", "--suite", "retrieval", expect=1,
                    ASSISTANT_INDEX_SEARCH_MODE="dense", ASSISTANT_ANSWER_TOP_K="1")  # fmt: skip
    failed = {f["metric"] for f in degraded["gate"]["failures"]}
    assert failed == {"retrieval.modes.configured.hit@5"}, degraded["gate"]
    configured = (default["suites"]["retrieval"]["modes"]["configured"], degraded["suites"]["retrieval"]["modes"])
    assert configured[1]["configured"]["hit@5"] < configured[0]["hit@5"]
    gate = run_cli(data_dir, "eval", "gate", str(tmp_path / "degraded" / "results.json"), expect=1)
    assert "FAIL retrieval.modes.configured.hit@5" in gate.stdout
    run_cli(data_dir, "eval", "gate", str(tmp_path / "default" / "results.json"), expect=0)


def test_the_report_of_a_real_run_shows_every_plot_and_the_numbers_of_the_results(
    data_dir: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    from eval.report import format_value, value_at

    out = tmp_path / "report"
    _run(data_dir, out, "--suite", "retrieval", "--label", "before", expect=0)  # the trend's baseline
    results = _run(data_dir, out, "--suite", "all", "--limit", "24", "--pii-sentences", "200", expect=0)
    assert (out / "previous" / "results.json").is_file()
    assert set(results["suites"]) == {"retrieval", "answers", "pii"}
    path = shutil.which("chromium")
    assert path is not None, "no chromium: run deploy/browser.sh (deploy/test.sh does)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto((out / "report.html").as_uri(), wait_until="load")
        widths = page.eval_on_selector_all("img", "images => images.map(i => i.complete ? i.naturalWidth : 0)")
        shown = page.eval_on_selector_all(
            "[data-metric]", "nodes => nodes.map(n => [n.getAttribute('data-metric'), n.textContent.trim()])"
        )
        browser.close()
    assert len(widths) >= 6 and all(w > 0 for w in widths), widths  # every plot drawn
    checked = 0
    for metric, text in shown:
        value = value_at(results, metric)  # every number shown is in results.json, at its path (KeyError if not)
        assert text == format_value(metric, value), (metric, text, value)
        checked += 1
    assert checked >= 20
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
