"""AuditLog behaviour beyond the store contract: building it from settings, keys, feedback, checkpoint files."""

from __future__ import annotations

import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from assistant.core.errors import ConfigurationError
from assistant.settings import load_settings
from audit.checkpoint import write_checkpoint
from audit.errors import AuditConfigurationError, AuditError, CheckpointError
from audit.factory import audit_signer, build_audit_log, open_store
from audit.log import AuditLog
from audit.settings import AuditSettings
from audit.sqlite_store import SqliteAuditStore
from tests.contracts.audit_support import KEYS, PERSON, SIGNER, T0, Clock, ask, make_log

pytestmark = pytest.mark.unit
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"


@pytest.fixture
def log(tmp_path: Path) -> AuditLog:
    return make_log(SqliteAuditStore(tmp_path / "audit.sqlite3"))


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ASSISTANT_AUDIT_RETENTION_DAYS", "30")
    monkeypatch.setenv("ASSISTANT_AUDIT_BACKEND", "postgres")
    monkeypatch.setenv("ASSISTANT_AUDIT_POSTGRES_DSN", "host=db password=hunter2")
    settings = load_settings()
    assert settings.audit.retention_days == 30
    assert settings.audit.backend == "postgres"
    assert "hunter2" not in repr(settings.audit)


@pytest.mark.parametrize(("name", "value"), [("RETENTION_DAYS", "400"), ("RETENTION_DAYS", "0"), ("ORIGIN", "a b")])
def test_bad_settings_are_named(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(f"ASSISTANT_AUDIT_{name}", value)
    with pytest.raises(ConfigurationError, match=f"audit.{name.lower()}"):
        load_settings()


def test_default_store_is_sqlite_under_the_data_dir(tmp_path: Path) -> None:
    store = open_store(AuditSettings(), tmp_path)
    assert isinstance(store, SqliteAuditStore) and store.path == tmp_path / "audit.sqlite3"
    store.close()


def test_postgres_without_dsn_says_which_variable(tmp_path: Path) -> None:
    with pytest.raises(AuditConfigurationError, match="ASSISTANT_AUDIT_POSTGRES_DSN"):
        open_store(AuditSettings(backend="postgres"), tmp_path)


def test_generated_keys_are_private_files_and_reused(tmp_path: Path) -> None:
    secrets_dir = tmp_path / "secrets"
    first = build_audit_log(AuditSettings(), tmp_path / "data", secrets_dir)
    first.record(ask(0, mention=PERSON))
    verifier = first.verifier_key
    first.close()
    for name in ("audit.key", "audit-signing.key"):
        assert stat.S_IMODE((secrets_dir / name).stat().st_mode) == 0o600
    again = build_audit_log(AuditSettings(), tmp_path / "data", secrets_dir)
    assert again.verifier_key == verifier
    view = again.get(1)
    assert view is not None and view.state == "readable"
    again.close()


def test_a_different_kek_is_refused_at_open_not_an_erasure(tmp_path: Path) -> None:
    first = build_audit_log(AuditSettings(), tmp_path, tmp_path / "s1")
    first.record(ask(0))
    first.close()
    with pytest.raises(AuditConfigurationError, match="another key-encryption key") as caught:
        build_audit_log(AuditSettings(encryption_key=SecretStr("ab" * 32)), tmp_path, tmp_path / "s1")
    assert "ASSISTANT_AUDIT_ENCRYPTION_KEY" in str(caught.value)
    assert len(list(SqliteAuditStore(tmp_path / "audit.sqlite3").records())) == 1  # nothing written with it


def test_bad_keys_are_named_without_their_value(tmp_path: Path) -> None:
    with pytest.raises(AuditConfigurationError, match="ASSISTANT_AUDIT_ENCRYPTION_KEY") as caught:
        build_audit_log(AuditSettings(encryption_key=SecretStr("not-a-key")), tmp_path, tmp_path)
    assert "not-a-key" not in str(caught.value)
    with pytest.raises(AuditConfigurationError, match="ASSISTANT_AUDIT_SIGNING_KEY"):
        audit_signer(AuditSettings(signing_key=SecretStr("zz")), tmp_path)


def test_signing_key_in_signed_note_form(tmp_path: Path) -> None:
    signer = audit_signer(AuditSettings(signing_key=SecretStr(GO_SKEY)), tmp_path)
    assert signer.verifier.text().startswith("PeterNeumann+c74f20a3+")


def test_trusted_keys_replace_the_own_key(tmp_path: Path) -> None:
    stranger = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    log = AuditLog(
        SqliteAuditStore(tmp_path / "a.sqlite3"), KEYS, SIGNER, settings=AuditSettings(trusted_keys=[stranger])
    )
    log.record(ask(0))
    log.checkpoint()
    report = log.verify()
    assert not report.ok and "trusted" in (report.reason or "")


def test_feedback_is_a_linked_record(log: AuditLog) -> None:
    asked = log.record(ask(0, user="alice"))
    feedback = log.add_feedback(asked.seq, rating=1, comment="merci", user="alice")
    view = log.get(feedback.seq)
    assert view is not None and view.header is not None and view.payload is not None
    assert (view.header["operation"], view.header["ref_seq"], view.header["rating"]) == ("feedback", 1, 1)
    assert view.payload["comment"] == "merci"
    assert log.store.tags(feedback.seq) == log.store.tags(asked.seq)
    first = log.get(asked.seq)
    assert first is not None and first.header is not None and "rating" in first.header  # the original is untouched
    assert first.header["rating"] is None


@pytest.mark.parametrize(
    ("seq", "rating", "message"),
    [(1, 9, "out of range"), (1, 0, "out of range"), (1, -2, "out of range"), (99, 1, "no audit record 99")],
)
def test_feedback_is_validated(log: AuditLog, seq: int, rating: int, message: str) -> None:
    log.record(ask(0))
    with pytest.raises(AuditError, match=message):
        log.add_feedback(seq, rating)


def test_reading_the_trail_is_recorded_with_the_reviewer_encrypted(log: AuditLog) -> None:
    log.record_access("audit.list", "reviewer-7", "compliance", {"filters": {"user": PERSON}})
    rec = next(iter(log.store.records()))
    assert rec.header is not None and b"reviewer-7" not in rec.header and PERSON.encode() not in rec.header
    view = log.get(1)
    assert view is not None and view.payload is not None and view.header is not None
    assert view.header["operation"] == "audit.list" and view.header["role"] == "compliance"
    assert view.payload["user_id"] == "reviewer-7"
    assert log.forget(PERSON) == 1  # the filter named the person: erasing them erases that access record's payload


def test_checkpoint_files_are_never_overwritten(tmp_path: Path) -> None:
    path = write_checkpoint(tmp_path, 3, "note A")
    assert write_checkpoint(tmp_path, 3, "note A") == path
    with pytest.raises(CheckpointError, match="different checkpoint"):
        write_checkpoint(tmp_path, 3, "note B")
    assert path.read_text() == "note A"


def test_a_missing_checkpoint_file_fails_verification(log: AuditLog, tmp_path: Path) -> None:
    log.record(ask(0))
    report = log.verify([tmp_path / "nowhere.txt"])
    assert not report.ok and report.first_bad_seq is None and "nowhere.txt" in (report.reason or "")


def test_purge_stops_at_the_first_record_still_in_retention(tmp_path: Path) -> None:
    clock = Clock(T0)
    log = make_log(SqliteAuditStore(tmp_path / "a.sqlite3"), clock)
    log.record(ask(0))
    clock.now += timedelta(days=100)
    log.record(ask(1))  # younger than the cutoff below
    clock.now = T0 - timedelta(days=1)  # a clock that went back: record 3 is older than record 2
    log.record(ask(2))
    clock.now = T0 + timedelta(days=190)
    report = log.purge()
    assert (report.through_seq, report.purged) == (1, 1)
    assert log.verify().ok


def test_erasure_and_purge_events_say_who_asked_but_not_whom(log: AuditLog) -> None:
    log.record(ask(0, mention=PERSON))
    assert log.forget(PERSON, requested_by="dpo-1", role="compliance") == 1
    event = log.get(2)
    assert event is not None and event.header is not None and event.payload is not None
    assert (event.header["operation"], event.header["role"], event.header["extra"]) == (
        "audit.forget",
        "compliance",
        {"shredded_seqs": [1]},
    )
    assert event.payload["user_id"] == "dpo-1"
    assert PERSON not in json.dumps(event.as_json())
