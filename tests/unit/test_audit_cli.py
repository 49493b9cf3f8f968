"""``assistant audit``: list/show/export/verify/purge/checkpoint through the real container and a SQLite log."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.container import Container
from assistant.settings import load_settings
from audit.entry import AuditEntry, AuditPayload
from audit.factory import build_audit_log
from tests.contracts.audit_support import ask

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_PRIVACY_SECRETS_DIR", str(tmp_path / "secrets"))
    monkeypatch.setenv("ASSISTANT_PRIVACY_ENABLED", "false")
    settings = load_settings()
    token = Container(settings).user_token  # what the product records for a login
    log = build_audit_log(settings.audit, settings.data_dir, settings.privacy.secrets_dir)
    log.record(ask(0, user=token("alice")))
    log.record(ask(1, user=token("bob"), role="hq", refused=True, doc="doc-b"))
    log.record(AuditEntry(payload=AuditPayload(user_id="carol", question="=HYPERLINK(1)", answer="-1")))
    log.close()
    return tmp_path / "data" / "audit.sqlite3"


def run(*args: str, expect: int = 0) -> str:
    result = CliRunner().invoke(app, ["audit", *args])
    assert result.exit_code == expect, result.output
    return result.stdout


def run_json(*args: str, expect: int = 0) -> Any:
    return json.loads(run(*args, "--json", expect=expect))


def operations(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return [r[0] for r in db.execute("SELECT operation FROM audit_records ORDER BY seq")]
    finally:
        db.close()


def test_list_filters_and_records_the_access(seeded: Path) -> None:
    # the access record of this very lookup mentions alice too (erasing her shreds it): ask records only
    records = run_json("list", "--user", "alice", "--operation", "ask")["records"]
    assert [r["seq"] for r in records] == [1]
    assert records[0]["payload"]["question"] == "question 0"
    assert [r["seq"] for r in run_json("list", "--refused")["records"]] == [2]
    assert [r["seq"] for r in run_json("list", "--document", "doc-b")["records"]] == [2]
    assert [r["seq"] for r in run_json("list", "--operation", "ask", "--limit", "2")["records"]] == [1, 2]
    assert run_json("list", "--since", "2999-01-01")["records"] == []
    assert operations(seeded)[3:] == ["audit.list"] * 5
    assert "#1 " in run("list")


def test_show(seeded: Path) -> None:
    shown = run_json("show", "2")
    assert shown["header"]["role"] == "hq"
    assert shown["payload"]["user_id"] == Container(load_settings()).user_token("Bob ")
    error = run_json("show", "999", expect=2)["error"]
    assert error["type"] == "AuditConfigurationError" and "999" in error["message"]
    assert operations(seeded)[-2:] == ["audit.show", "audit.show"]


def test_export_jsonl_and_csv(seeded: Path, tmp_path: Path) -> None:
    lines = run("export", "--operation", "ask").splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1, 2, 3]
    target = tmp_path / "out.csv"
    summary = run_json("export", "--format", "csv", "--output", str(target))
    assert summary == {"records": 5, "format": "csv", "output": str(target)}  # 3 asks + the two export records
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert rows[2]["question"] == "'=HYPERLINK(1)" and rows[2]["answer"] == "'-1"  # no formula injection
    assert json.loads(rows[0]["retrieved"])[0]["doc_id"] == "doc-a"
    assert operations(seeded)[-2:] == ["audit.export", "audit.export"]
    run("export", "--format", "xml", expect=2)


def test_verify_names_the_tampered_record(seeded: Path, tmp_path: Path) -> None:
    assert run_json("verify")["ok"] is True
    checkpoint = run_json("checkpoint", "--export", str(tmp_path / "external"))
    assert checkpoint["exported"] == 1 and checkpoint["verifier_key"].startswith("retail-assistant/audit+")
    db = sqlite3.connect(seeded, isolation_level=None)
    db.execute("UPDATE audit_records SET role = 'compliance' WHERE seq = 2")
    db.close()
    report = run_json("verify", "--checkpoints", str(tmp_path / "external"), expect=1)
    assert (report["ok"], report["first_bad_seq"]) == (False, 2)
    assert "FAILED at record 2" in run("verify", expect=1)


def test_records_cut_from_the_end_are_caught_only_by_checkpoints_kept_elsewhere(seeded: Path, tmp_path: Path) -> None:
    """The README's advice: export checkpoints off the machine, verify against them."""
    assert run_json("checkpoint", "--export", str(tmp_path / "offsite"))["exported"] == 1  # signs size 3
    db = sqlite3.connect(seeded, isolation_level=None)
    db.execute("DELETE FROM audit_checkpoints")  # whoever can write the store cuts the tail and its evidence
    db.execute("DELETE FROM audit_records WHERE seq >= 2")
    db.execute("DELETE FROM audit_links WHERE seq >= 2")
    db.close()
    assert run_json("verify")["ok"] is True  # the host alone cannot tell
    report = run_json("verify", "--checkpoints", str(tmp_path / "offsite"), expect=1)
    assert report["ok"] is False and "truncated" in report["reason"]


def test_purge_dry_run_and_checkpoint() -> None:
    report = run_json("purge", "--dry-run")
    assert report["dry_run"] is True and report["purged"] == 0 and report["event_seq"] is None
    assert "checkpoint" in run_json("checkpoint")


def test_only_reviewer_roles_may_read(seeded: Path) -> None:
    error = run_json("list", "--reviewer-role", "store", expect=2)["error"]
    assert "audit.reviewer_roles" in error["message"]
    assert "audit.list" not in operations(seeded)
