"""The SQLite audit store passes the AuditStore contract; appends from 5 processes serialise; erased bytes leave
the file."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from audit.errors import AuditStoreError
from audit.log import AuditLog
from audit.ports import AuditStore
from audit.sqlite_store import SqliteAuditStore
from tests.contracts.audit_store import AuditStoreContract
from tests.contracts.audit_support import PERSON, Raw, append_from_processes, ask, make_log

pytestmark = pytest.mark.unit


class TestSqliteAuditStore(AuditStoreContract):
    @pytest.fixture
    def path(self, tmp_path: Path) -> Path:
        return tmp_path / "audit" / "audit.sqlite3"

    @pytest.fixture
    def store(self, path: Path) -> Iterator[AuditStore]:
        store = SqliteAuditStore(path)
        yield store
        store.close()

    @pytest.fixture
    def another(self, path: Path) -> Callable[[], AuditStore]:
        return lambda: SqliteAuditStore(path)

    @pytest.fixture
    def raw(self, path: Path) -> Raw:
        def run(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
            db = sqlite3.connect(path, isolation_level=None)
            try:
                return db.execute(sql, list(params)).fetchall()
            finally:
                db.close()

        return run

    @pytest.fixture
    def disk_bytes(self, path: Path) -> Callable[[], bytes]:
        return lambda: b"".join(p.read_bytes() for p in sorted(path.parent.iterdir()) if p.is_file())


def test_50_appends_from_5_processes(tmp_path: Path) -> None:
    path = tmp_path / "audit.sqlite3"
    SqliteAuditStore(path).close()  # schema first, so the workers race on appends only
    assert sorted(append_from_processes("sqlite", str(path), processes=5, each=10)) == list(range(1, 51))
    log = make_log(SqliteAuditStore(path))
    report = log.verify()
    log.close()
    assert (report.ok, report.size) == (True, 50), report


def test_file_is_private_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "new" / "audit.sqlite3"
    store = SqliteAuditStore(path)
    store.close()
    assert path.stat().st_mode & 0o077 == 0
    assert path.parent.stat().st_mode & 0o077 == 0
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_erased_bytes_stay_gone_after_vacuum(tmp_path: Path) -> None:
    path = tmp_path / "audit.sqlite3"
    log: AuditLog = make_log(SqliteAuditStore(path))
    for i in range(20):
        log.record(ask(i, mention=PERSON if i % 2 else ""))
    sealed = [r.payload for r in log.store.records() if r.seq % 2 == 0]
    assert log.forget(PERSON) == 10
    log.close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("VACUUM")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    on_disk = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert all(s is not None and s not in on_disk for s in sealed)


def test_unwritable_location_names_the_setting(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(AuditStoreError, match=r"audit\.sqlite_path"):
        SqliteAuditStore(blocker / "audit.sqlite3")


def test_forget_across_more_records_than_one_sql_batch(tmp_path: Path) -> None:
    log = make_log(SqliteAuditStore(tmp_path / "audit.sqlite3"))
    for i in range(503):
        log.record(ask(i, user="prolific"))
    assert log.forget("prolific") == 503
    assert all(v.state == "shredded" for v in log.query() if v.header and v.header["operation"] == "ask")
    assert log.verify().ok
    log.close()


def test_a_damaged_file_is_an_audit_store_error_naming_it(tmp_path: Path) -> None:

    from audit.errors import AuditStoreError
    from tests.contracts.audit_support import ask, make_log

    path = tmp_path / "audit.sqlite3"
    log = make_log(SqliteAuditStore(path))
    for i in range(400):
        log.record(ask(i, user=f"user-{i % 7}"))
    log.store.scrub()
    log.close()
    with path.open("r+b") as damaged:
        damaged.seek(path.stat().st_size // 2)
        damaged.write(b"\xff" * 8192)  # pages of the records table
    log = make_log(SqliteAuditStore(path))
    try:
        with pytest.raises(AuditStoreError, match=r"audit\.sqlite3: reading failed .*restore it from a backup"):
            log.verify()
    finally:
        log.close()
