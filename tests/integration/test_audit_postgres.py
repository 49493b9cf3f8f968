"""The PostgreSQL audit store against a real, throwaway PostgreSQL cluster (started by deploy/postgres.sh): the
AuditStore contract, and 50 appends from 5 processes."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import psycopg
import pytest

from audit.ports import AuditStore
from audit.postgres_store import PostgresAuditStore
from tests.contracts.audit_store import AuditStoreContract
from tests.contracts.audit_support import Raw, append_from_processes, make_log

pytestmark = pytest.mark.integration
SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "postgres.sh"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[str, Path]]:
    """A fresh cluster in a temporary folder on a free port; stopped and deleted after the module."""
    if subprocess.run([str(SCRIPT), "--bindir"], capture_output=True, check=False).returncode != 0:
        pytest.skip("no PostgreSQL binaries: run deploy/postgres.sh --install")
    folder = Path(tempfile.mkdtemp(prefix="audit-pg-"))
    try:
        done = subprocess.run(
            [str(SCRIPT), "--start", "--dir", str(folder), "--port", str(_free_port())],
            capture_output=True, text=True, timeout=180, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        yield done.stdout.strip().splitlines()[-1], folder
    finally:
        subprocess.run([str(SCRIPT), "--stop", "--dir", str(folder)], capture_output=True, timeout=120, check=False)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def dsn(cluster: tuple[str, Path]) -> str:
    """A DSN whose search_path is a new, empty schema: each test gets its own log."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(cluster[0], autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    return f"{cluster[0]} options='-csearch_path={schema}'"


class TestPostgresAuditStore(AuditStoreContract):
    # Deleted tuples stay in the heap until vacuumed and in the WAL until recycled: erasure relies on destroying
    # keys (crypto-shredding), which the contract checks; the byte-level check applies to SQLite only.
    physical_erasure = False

    @pytest.fixture
    def store(self, dsn: str) -> Iterator[AuditStore]:
        store = PostgresAuditStore(dsn)
        yield store
        store.close()

    @pytest.fixture
    def another(self, dsn: str) -> Callable[[], AuditStore]:
        return lambda: PostgresAuditStore(dsn)

    @pytest.fixture
    def raw(self, dsn: str) -> Raw:
        def run(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
            with psycopg.connect(dsn, autocommit=True) as db:
                cursor = db.execute(sql.replace("?", "%s"), list(params))
                return cursor.fetchall() if cursor.description else []

        return run

    @pytest.fixture
    def disk_bytes(self, cluster: tuple[str, Path]) -> Callable[[], bytes]:
        def read() -> bytes:
            with psycopg.connect(cluster[0], autocommit=True) as db:
                db.execute("CHECKPOINT")  # flush shared buffers to the data files
            files = sorted(p for p in (cluster[1] / "data").rglob("*") if p.is_file())
            return b"".join(p.read_bytes() for p in files)

        return read


def test_50_appends_from_5_processes(dsn: str) -> None:
    PostgresAuditStore(dsn).close()  # schema first, so the workers race on appends only
    assert sorted(append_from_processes("postgres", dsn, processes=5, each=10)) == list(range(1, 51))
    log = make_log(PostgresAuditStore(dsn))
    report = log.verify()
    log.close()
    assert (report.ok, report.size) == (True, 50), report


def test_unreachable_server_is_a_named_store_error() -> None:
    from audit.errors import AuditStoreError

    with pytest.raises(AuditStoreError, match="ASSISTANT_AUDIT_POSTGRES_DSN") as caught:
        PostgresAuditStore(f"host=127.0.0.1 port={_free_port()} dbname=x user=x password=s3cret", busy_timeout_s=2)
    assert "s3cret" not in str(caught.value)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_50_concurrent_asks_through_the_product_give_50_records_and_a_verified_chain(
    backend: str, request: pytest.FixtureRequest, corpus_data_dir: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    """The real service (pseudonymization, embeddings, index, extractive answers) asked from 10 threads at once."""
    from concurrent.futures import ThreadPoolExecutor

    from assistant.container import Container
    from assistant.service import Asker
    from assistant.settings import load_settings
    from audit.views import AuditFilters

    audit: dict[str, Any] = {"backend": backend, "sqlite_path": tmp_path / "audit.sqlite3"}
    if backend == "postgres":
        audit["postgres_dsn"] = request.getfixturevalue("dsn")
    settings = load_settings(data_dir=corpus_data_dir[0], audit=audit, llm={"backend": "none"})
    container = Container(settings)
    questions = ["Combien de jours pour retourner un article ?", "Quel est le fond de caisse ?"] * 25
    try:
        with ThreadPoolExecutor(max_workers=10) as pool:
            answers = list(
                pool.map(lambda i: container.service.ask(questions[i], Asker("store", f"user{i % 7}")), range(50))
            )
        assert sorted(a.audit_seq for a in answers if a.audit_seq) == list(range(1, 51))
        assert len(list(container.audit.query(AuditFilters(operation="ask")))) == 50
        report = container.audit.verify()
        assert report.ok, report
    finally:
        container.close()


def test_the_user_store_on_postgresql(dsn: str) -> None:
    """With the postgres audit backend, users live in the same database: the same service, the same guarantees."""
    from assistant.core.errors import ConfigurationError
    from assistant.identity.model import AuthenticationError
    from assistant.identity.service import UserService
    from assistant.identity.store import SqlUserStore

    users = UserService(SqlUserStore.postgres(dsn), ("store", "hr"), lambda *_: None)
    users.add("marie", "store", "LYON-01", "correct horse battery staple")
    assert users.by_password("marie", "correct horse battery staple").store == "lyon-01"
    token, record = users.issue_token("marie", 0)
    assert record.expires_at is None and users.by_token(token).role == "store"
    with pytest.raises(ConfigurationError, match="already exists"):
        users.add("marie", "hr")
    assert users.disable("marie") == 1
    with pytest.raises(AuthenticationError):
        users.by_token(token)
    again = UserService(SqlUserStore.postgres(dsn), ("store", "hr"), lambda *_: None)  # another replica sees it
    assert [(u.name, u.enabled) for u in again.users()] == [("marie", False)]
    again.close()
    users.close()


def test_a_store_whose_connection_dropped_fails_one_request_then_reconnects(dsn: str) -> None:
    """The database restarted (or a network cut): the request that meets the dead connection fails with a named
    store error (the question is refused, HTTP 503), the next one connects again."""
    from audit.errors import AuditStoreError
    from tests.contracts.audit_support import ask

    log = make_log(PostgresAuditStore(dsn))
    try:
        log.record(ask(0))
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                "AND datname = current_database()"
            )
        with pytest.raises(AuditStoreError, match="PostgreSQL audit log"):
            log.ensure_writable()
        log.ensure_writable()
        assert log.record(ask(1)).seq == 2 and log.verify().ok
    finally:
        log.close()
