"""Cost estimates and the cost report over audit headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.finops.pricing import estimate_cost
from assistant.finops.report import build_report, plot
from assistant.finops.settings import CostSettings

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("settings", "prompt", "completion", "generate_ms", "expected"),
    [
        (CostSettings(method="tokens", prompt_per_1k=0.5, completion_per_1k=1.5), 2000, 1000, 9999.0, 2.5),
        (CostSettings(method="tokens"), 2000, 1000, 0.0, 0.0),
        (CostSettings(method="gpu_hour", gpu_hour=3.6, concurrency=1), 0, 0, 1000.0, 0.001),
        (CostSettings(method="gpu_hour", gpu_hour=3.6, concurrency=4), 500, 50, 1000.0, 0.00025),
        (CostSettings(method="gpu_hour"), 0, 0, 0.0, 0.0),  # extractive answers use no GPU time
    ],
)
def test_estimate_cost(
    settings: CostSettings, prompt: int, completion: int, generate_ms: float, expected: float
) -> None:
    assert estimate_cost(settings, prompt, completion, generate_ms) == pytest.approx(expected)


def header(ts: str, use_case: str, store: str | None, cost: float, **kw: object) -> dict[str, object]:
    return {"operation": "ask", "ts": ts, "use_case": use_case, "store": store, "cost_eur": cost,
            "tokens": {"prompt": 100, "completion": 10}, **kw}  # fmt: skip


HEADERS = [
    header("2026-11-20T08:00:00.000000Z", "store_qa", "PAR-01", 0.5),
    header("2026-11-20T09:00:00.000000Z", "marketing_copy", None, 1.0, refused=True),
    header("2026-11-21T10:00:00.000000Z", "store_qa", "LYO-02", 2.0, fallback=True),
    header("2026-11-21T11:00:00.000000Z", "store_qa", "PAR-01", 0.25, error="RuntimeError"),
    {"operation": "audit.list", "ts": "2026-11-21T12:00:00.000000Z", "cost_eur": None},
]


def test_report_groups_by_use_case_store_and_day_and_flags_days_over_budget(tmp_path: Path) -> None:
    report = build_report(HEADERS, "EUR", daily_budget=2.0)
    data = report.as_json()
    assert data["total"]["questions"] == 4 and data["total"]["cost"] == pytest.approx(3.75)
    assert data["by_use_case"]["store_qa"]["cost"] == pytest.approx(2.75)
    assert data["by_store"]["PAR-01"]["questions"] == 2 and data["by_store"]["hq/none"]["questions"] == 1
    assert data["by_day"]["2026-11-21"]["cost"] == pytest.approx(2.25)
    assert (data["total"]["refused"], data["total"]["fallback"], data["total"]["errors"]) == (1, 1, 1)
    assert data["total"]["prompt_tokens"] == 400
    assert report.over_budget == ["2026-11-21"]
    png = plot(report, tmp_path / "costs.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_no_budget_means_no_alert() -> None:
    assert build_report(HEADERS, "EUR", None).over_budget == []


def test_report_costs_command_reads_the_trail_records_the_access_and_alerts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from typer.testing import CliRunner

    from assistant.cli import app
    from assistant.settings import load_settings
    from audit.entry import AuditEntry
    from audit.factory import build_audit_log
    from audit.views import AuditFilters

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_PRIVACY_SECRETS_DIR", str(tmp_path / "secrets"))
    monkeypatch.setenv("ASSISTANT_PRIVACY_ENABLED", "false")
    monkeypatch.setenv("ASSISTANT_COSTS_DAILY_BUDGET", "0.5")
    settings = load_settings()
    log = build_audit_log(settings.audit, settings.data_dir, settings.privacy.secrets_dir)
    for cost in (0.25, 0.5):
        log.record(AuditEntry(operation="ask", role="store", store="PAR-01", use_case="store_qa", cost_eur=cost))
    log.close()
    png = tmp_path / "costs.png"
    result = CliRunner().invoke(app, ["report", "costs", "--png", str(png), "--json"])
    assert result.exit_code == 1, result.output  # 0.75 today > 0.5 budget
    data = json.loads(result.stdout)
    assert data["total"]["questions"] == 2 and data["total"]["cost"] == pytest.approx(0.75)
    assert data["by_store"]["PAR-01"]["questions"] == 2
    assert len(data["over_budget_days"]) == 1
    assert png.read_bytes()[:4] == b"\x89PNG"
    log = build_audit_log(settings.audit, settings.data_dir, settings.privacy.secrets_dir)
    assert [v.seq for v in log.query(AuditFilters(operation="report.costs"))] == [3]
    log.close()
