"""Faults with real processes: the audit store read-only, unreachable or locked (the question refused, exit 4 / HTTP
503, never answered unaudited), the index held by another process or its server down (a clear error, nothing
half-written), a full disk under ingestion, ``kill -9`` in the middle of an ingestion, an erasure and an audit purge
(the next run finishes the work), the vault locked by another writer (retried, then a clear error).

Each test runs the real ``assistant`` executable on its own data dir. Read-only and full filesystems are real: a
tmpfs mounted in a private mount namespace (``unshare -rm``), skipped with the reason where the kernel refuses it.
Kills land at points the test observes (rows committed, a FIFO the process blocks on), never after a sleep.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.conftest import ASSISTANT, ROOT, SAMPLES, free_port

pytestmark = pytest.mark.integration
CORPUS = ("procedures", "securite")  # 8 documents, store audience
PERSON_DOCS = ("rh/confidentiel/note-individuelle-2025-017.md", "fidelite/reclamation-client-2024-1187.md")
DEADLINE_S = 600  # bound of every wait: a hung process fails the test, it never hangs CI


def env_for(data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_DATA_DIR=str(data), ASSISTANT_LLM_BACKEND="none", **extra)
    return env


def cli(data: Path, *args: str, expect: int | None = 0, **extra: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [ASSISTANT, *args], env=env_for(data, **extra), cwd=ROOT, capture_output=True, text=True,
        timeout=DEADLINE_S, check=False,
    )  # fmt: skip
    if expect is not None:
        assert done.returncode == expect, f"exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


def start(data: Path, *args: str, log: Path | None = None, **extra: str) -> subprocess.Popen[str]:
    """The real executable in the background; its output piped, or appended to ``log`` (a server writes on)."""
    out = log.open("a") if log is not None else subprocess.PIPE
    return subprocess.Popen(
        [ASSISTANT, *args], env=env_for(data, **extra), cwd=ROOT, text=True, stdout=out, stderr=out,
    )  # fmt: skip


def until(condition: Any, what: str, process: subprocess.Popen[str] | None = None) -> None:
    """Wait for ``condition()`` (bounded); fail early if ``process`` ended first."""
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if process is not None and process.poll() is not None:
            said = process.stderr.read()[-2000:] if process.stderr is not None else ""
            pytest.fail(f"the process ended (exit {process.returncode}) before {what}: {said}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    """Read-only look at a SQLite file another process may be writing."""
    if not path.exists():
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return db.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []  # not created yet
    finally:
        db.close()


def registry(data: Path) -> dict[str, int]:
    return dict(rows(data / "documents.sqlite", "SELECT source, chunk_count FROM documents"))


def copy_corpus(target: Path, folders: tuple[str, ...] = CORPUS, files: tuple[str, ...] = ()) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for folder in folders:
        for path in sorted((SAMPLES / folder).iterdir()):
            if path.is_file() and not path.name.startswith("."):
                (target / path.name).write_bytes(path.read_bytes())
    for rel in files:
        (target / Path(rel).name).write_bytes((SAMPLES / rel).read_bytes())
    return target


def consistent(data: Path, folder: Path) -> None:
    """Every file is indexed once, with exactly its registered chunks, numbered without gap; every live vault entry
    is mentioned by an indexed document; the audit trail verifies."""
    from assistant.container import Container
    from assistant.settings import load_settings

    files = sorted(str(p.resolve()) for p in folder.iterdir() if p.is_file())
    registered = registry(data)
    assert sorted(registered) == files
    container = Container(load_settings(data_dir=data, privacy={"enabled": False}))
    try:
        for record in container.registry.all():
            chunks = container.index.chunks(record.doc_id)
            assert [c.chunk_index for c in chunks] == list(range(record.chunk_count)), record.source
            assert container.index.count(record.doc_id) == record.chunk_count
        assert container.index.count() == sum(registered.values())  # no chunk of a document the registry lost
    finally:
        container.close()
    live = {
        t for (t,) in rows(data / "vault" / "vault.sqlite", "SELECT token FROM subjects WHERE forgotten_at IS NULL")
    }
    mentioned = {t for (t,) in rows(data / "documents.sqlite", "SELECT token FROM mentions")}
    assert live <= mentioned, f"vault entries no document mentions: {len(live - mentioned)}"
    assert json.loads(cli(data, "audit", "verify", "--json").stdout)["ok"]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory, model_path: Path) -> tuple[Path, Path]:
    """A data dir with 10 documents (two mention Karim Benali) ingested with privacy on, and two audited questions."""
    root = tmp_path_factory.mktemp("faults")
    docs = copy_corpus(root / "docs", files=PERSON_DOCS)
    data = root / "data"
    cli(data, "ingest", str(docs), "--audience", "store,hr")
    cli(data, "ask", "Quelle réclamation Karim Benali a-t-il faite ?", "--role", "hr", "--user", "jdupont")
    cli(data, "ask", "Combien de temps pour retourner un article ?", "--user", "mdupont")
    return data, docs


@pytest.fixture
def workspace(baseline: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the baseline data dir (sparse files kept sparse), and the documents it indexed (read only:
    its registry names them where they are)."""
    data = tmp_path / "data"
    subprocess.run(["cp", "-a", "--sparse=always", str(baseline[0]), str(data)], check=True)
    return data, baseline[1]


# -- the audit store ---------------------------------------------------------------------------------------------
def namespace_or_skip() -> None:
    done = subprocess.run(["unshare", "-rm", "true"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"the kernel refuses a private mount namespace (unshare -rm: {done.stderr.strip()})")


def in_namespace(script: str, *args: str) -> dict[str, Any]:
    """Run ``script`` (Python) in a private mount namespace where it may mount; its last stdout line is JSON."""
    namespace_or_skip()
    done = subprocess.run(
        ["unshare", "-rm", sys.executable, "-c", textwrap.dedent(script), *args], cwd=ROOT, capture_output=True,
        text=True, timeout=DEADLINE_S, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


NAMESPACE_HELPERS = """
import json, os, sqlite3, subprocess, sys
def run(*args, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_DATA_DIR=DATA, ASSISTANT_LLM_BACKEND="none", **extra)
    done = subprocess.run([ASSISTANT, *args], env=env, capture_output=True, text=True, timeout=600)
    return {"rc": done.returncode, "out": done.stdout, "err": done.stderr[-3000:]}
def mount(*args):
    subprocess.run(["mount", *args], check=True)
"""


def test_a_read_only_audit_store_refuses_the_question_unanswered(workspace: tuple[Path, Path], tmp_path: Path) -> None:
    audit_dir = tmp_path / "audit"
    audit_dir.mkdir()
    result = in_namespace(
        NAMESPACE_HELPERS
        + """
DATA, ASSISTANT, AUDIT = sys.argv[1:4]
mount("-t", "tmpfs", "-o", "size=16m", "tmpfs", AUDIT)
store = {"ASSISTANT_AUDIT_SQLITE_PATH": AUDIT + "/audit.sqlite3"}
first = run("ask", "Combien de temps pour retourner un article ?", "--json", **store)
mount("-o", "remount,ro", AUDIT)
second = run("ask", "Combien de temps pour retourner un article ?", "--json", **store)
db = sqlite3.connect(f"file:{AUDIT}/audit.sqlite3?immutable=1", uri=True)
records = db.execute("SELECT COUNT(*) FROM audit_records").fetchone()[0]
print(json.dumps({"first": first, "second": second, "records": records}))
""",
        str(workspace[0]), ASSISTANT, str(audit_dir),
    )  # fmt: skip
    assert result["first"]["rc"] == 0 and json.loads(result["first"]["out"])["audit_seq"] == 1
    second = result["second"]
    assert second["rc"] == 4, second
    error = json.loads(second["out"])
    assert set(error) == {"error"} and error["error"]["type"] == "AuditStoreError"  # no answer printed
    assert "audit" in error["error"]["message"] and "writable" in error["error"]["message"]
    assert result["records"] == 1  # and the question was not recorded either: nothing could be


def test_an_unreachable_audit_database_refuses_the_question(workspace: tuple[Path, Path]) -> None:
    done = cli(
        workspace[0], "ask", "Combien de temps pour retourner un article ?", "--json", expect=4,
        ASSISTANT_AUDIT_BACKEND="postgres", ASSISTANT_AUDIT_BUSY_TIMEOUT_S="2",
        ASSISTANT_AUDIT_POSTGRES_DSN=f"host=127.0.0.1 port={free_port()} dbname=audit user=a password=hunter2",
    )  # fmt: skip
    error = json.loads(done.stdout)["error"]
    assert error["type"] == "AuditStoreError" and "ASSISTANT_AUDIT_POSTGRES_DSN" in error["message"]
    assert "hunter2" not in done.stdout + done.stderr


@pytest.fixture
def server(workspace: tuple[Path, Path]) -> Iterator[tuple[str, Path, dict[str, str]]]:
    data = workspace[0]
    port = free_port()
    log = data.parent / "server.log"
    process = start(data, "serve", "--port", str(port), log=log, ASSISTANT_AUDIT_BUSY_TIMEOUT_S="1")
    url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        until(ready, f"the server to listen (log: {log})", process)
        token = (data / "server" / "operator.token").read_text().strip()
        yield url, data, {"Authorization": f"Bearer {token}", "X-Assistant-Role": "store", "X-Assistant-User": "op"}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def test_the_server_answers_503_while_the_audit_store_is_locked_and_recovers(
    server: tuple[str, Path, dict[str, str]],
) -> None:
    url, data, headers = server
    question = {"question": "Combien de temps pour retourner un article ?"}
    holder = sqlite3.connect(data / "audit.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer keeps the audit store's lock past audit.busy_timeout_s
    try:
        refused = httpx.post(f"{url}/v1/ask", json=question, headers=headers, timeout=120)
        assert refused.status_code == 503 and "answer" not in refused.json(), refused.text
        assert refused.json()["error"]["type"] == "AuditStoreError" and "locked" in refused.json()["error"]["message"]
        streamed = httpx.post(f"{url}/v1/ask", json={**question, "stream": True}, headers=headers, timeout=120)
        assert streamed.status_code == 503 and "delta" not in streamed.text  # not one sentence streamed
        through = cli(data, "ask", question["question"], "--json", expect=4)  # the CLI goes through the server
        assert "answer" not in json.loads(through.stdout)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    answered = httpx.post(f"{url}/v1/ask", json=question, headers=headers, timeout=120)
    assert answered.status_code == 200 and answered.json()["audit_seq"] >= 1
    operations = [o for (o,) in rows(data / "audit.sqlite3", "SELECT operation FROM audit_records ORDER BY seq")]
    assert operations.count("ask") == 3  # the baseline's two and this one: nothing was answered unrecorded


# -- the index -------------------------------------------------------------------------------------------------
HOLD_INDEX = """
from assistant.container import Container
from assistant.settings import load_settings
c = Container(load_settings(privacy={"enabled": False}))
c.index.count()
print("held", flush=True)
input()
"""


def test_an_index_held_by_another_process_is_named_and_nothing_is_half_written(
    workspace: tuple[Path, Path], tmp_path: Path
) -> None:
    data = workspace[0]
    new = copy_corpus(tmp_path / "new", folders=("promotions",))
    (new / "remplacement.md").write_text("# Remplacement\n\nMme Élodie Fontaine remplace M. Julien Mercier.\n")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_INDEX], env=env_for(data), cwd=ROOT, text=True, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        before = (registry(data), rows(data / "vault" / "vault.sqlite", "SELECT token FROM subjects"))
        done = cli(data, "ingest", str(new), "--json", expect=4)
        error = json.loads(done.stdout)["error"]
        assert error["type"] == "IndexBusyError" and f"pid {holder.pid}" in error["message"]
        assert (registry(data), rows(data / "vault" / "vault.sqlite", "SELECT token FROM subjects")) == before
    finally:
        holder.communicate("\n", timeout=60)
    assert json.loads(cli(data, "ingest", str(new), "--json").stdout)["added"] == len(list(new.iterdir()))


def test_a_qdrant_server_that_is_down_is_a_clear_error(tmp_path: Path, model_path: Path) -> None:
    docs = copy_corpus(tmp_path / "docs", folders=("procedures",))
    down = {"ASSISTANT_QDRANT_URL": f"http://127.0.0.1:{free_port()}", "ASSISTANT_QDRANT_TIMEOUT_S": "2"}
    for args in (("ingest", str(docs)), ("ask", "Combien de temps pour retourner un article ?")):
        done = cli(tmp_path / "data", *args, "--json", expect=4, **down)
        error = json.loads(done.stdout)["error"]
        assert error["type"] == "IndexUnavailableError" and "ASSISTANT_QDRANT_URL" in error["message"]
        assert "Traceback" not in done.stderr
    assert registry(tmp_path / "data") == {}  # nothing half-written
    assert rows(tmp_path / "data" / "vault" / "vault.sqlite", "SELECT token FROM subjects") == []


def test_a_full_disk_stops_ingestion_cleanly_and_the_next_run_completes(
    workspace: tuple[Path, Path], tmp_path: Path
) -> None:
    new = copy_corpus(tmp_path / "new", folders=("promotions",))
    (tmp_path / "disk").mkdir()
    result = in_namespace(
        NAMESPACE_HELPERS
        + """
SOURCE, ASSISTANT, DISK, NEW = sys.argv[1:5]
DATA = DISK + "/data"
mount("-t", "tmpfs", "-o", "size=480m", "tmpfs", DISK)
subprocess.run(["cp", "-a", "--sparse=always", SOURCE, DATA], check=True)
reserve = {"ASSISTANT_INGESTION_MIN_FREE_BYTES": str(32 * 1024 * 1024)}
with open(DISK + "/filler", "wb") as filler:  # the disk fills up: 96 MB left, less than the index may take
    free = os.statvfs(DISK).f_bavail * os.statvfs(DISK).f_frsize
    block = b"x" * (1 << 20)
    for _ in range((free - 96 * 1024 * 1024) >> 20):
        filler.write(block)
def registry():
    return sqlite3.connect(DATA + "/documents.sqlite").execute("SELECT source, chunk_count FROM documents").fetchall()

before = registry()
full = run("ingest", NEW, "--json", **reserve)
after_full = registry()
search = run("search", "fond de caisse", "--json")
os.remove(DISK + "/filler")
again = run("ingest", NEW, "--json", **reserve)
verify = run("audit", "verify", "--json")
print(json.dumps({"full": full, "same": before == after_full, "search": search, "again": again, "verify": verify}))
""",
        str(workspace[0]), ASSISTANT, str(tmp_path / "disk"), str(new),
    )  # fmt: skip
    full = result["full"]
    assert full["rc"] == 4, full
    error = json.loads(full["out"])["error"]
    assert error["type"] == "DiskFullError" and "free space on that disk" in error["message"]
    assert result["same"], "the registry changed under a full disk"
    assert result["search"]["rc"] == 0 and json.loads(result["search"]["out"])["hits"]  # the previous index answers
    again = result["again"]
    assert again["rc"] == 0 and json.loads(again["out"])["added"] == len(list(new.iterdir())), again
    assert json.loads(result["verify"]["out"])["ok"]


# -- kill -9 ---------------------------------------------------------------------------------------------------
def test_kill_9_during_ingestion_then_the_next_run_finishes_it(tmp_path: Path, model_path: Path) -> None:
    docs = copy_corpus(tmp_path / "docs", files=PERSON_DOCS)
    data = tmp_path / "data"
    # small batches: the documents are written a few at a time (the default 256 chunks holds all 15 in one batch,
    # so the registry went from 0 to 15 at once and the kill could only land before or after everything)
    process = start(data, "ingest", str(docs), "--audience", "store", ASSISTANT_INGESTION_BATCH_CHUNKS="8")
    until(lambda: len(registry(data)) >= 2, "two documents to be indexed", process)
    process.kill()  # SIGKILL: no handler, no cleanup
    process.wait(timeout=60)
    assert 2 <= len(registry(data)) < len(list(docs.iterdir()))  # killed mid-batch
    report = json.loads(cli(data, "ingest", str(docs), "--audience", "store", "--json").stdout)
    assert report["failed"] == 0 and report["added"] + report["unchanged"] + report["updated"] == len(
        list(docs.iterdir())
    )
    consistent(data, docs)


def test_kill_9_during_an_erasure_then_the_next_run_finishes_it(workspace: tuple[Path, Path]) -> None:
    data, docs = workspace
    process = start(data, "privacy", "forget", "Karim Benali", "--json")
    vault = data / "vault" / "vault.sqlite"
    until(lambda: rows(vault, "SELECT 1 FROM subjects WHERE forgotten_at IS NOT NULL"), "the vault shred", process)
    process.kill()
    process.wait(timeout=60)
    receipt = json.loads(cli(data, "privacy", "forget", "Karim Benali", "--json").stdout)
    assert receipt["chunks_still_mentioning"] == 0 and receipt["tombstone"] is True
    exported = json.loads(cli(data, "privacy", "export", "Karim Benali", "--json").stdout)
    assert exported["subject_tokens"] == [] and exported["documents"] == []
    ask = rows(data / "audit.sqlite3", "SELECT payload FROM audit_records WHERE seq = 1")  # his question
    assert ask == [(None,)]  # its payload was shredded by the run that finished the erasure
    consistent(data, docs)


def test_kill_9_during_an_audit_purge_then_the_next_run_finishes_it(tmp_path: Path) -> None:
    """The kill lands right after the purge record and its checkpoint are committed, before anything is purged: the
    process blocks there on a FIFO standing where it exports that checkpoint."""
    from datetime import UTC, datetime

    from assistant.settings import load_settings
    from audit.factory import build_audit_log
    from tests.contracts.audit_support import ask

    data, exported = tmp_path / "data", tmp_path / "checkpoints"
    settings = load_settings(data_dir=data)
    old = build_audit_log(
        settings.audit, data, settings.privacy.secrets_dir, clock=lambda: datetime(2025, 1, 1, tzinfo=UTC)
    )
    for i in range(5):
        old.record(ask(i, user=f"user-{i}"))  # records from long ago, past the retention window
    old.close()
    exported.mkdir()
    os.mkfifo(exported / f"checkpoint-{6:012d}.txt")
    extra = {"ASSISTANT_AUDIT_CHECKPOINT_DIR": str(exported)}
    process = start(data, "audit", "purge", "--json", **extra)
    audit = data / "audit.sqlite3"
    until(
        lambda: rows(audit, "SELECT 1 FROM audit_records WHERE operation = 'audit.purge'"), "the purge record", process
    )
    process.kill()
    process.wait(timeout=60)
    assert rows(audit, "SELECT size FROM audit_checkpoints") == [(6,)]  # stored with the record, in one transaction
    assert rows(audit, "SELECT COUNT(*) FROM audit_records WHERE header IS NULL") == [(0,)]  # nothing purged yet
    assert json.loads(cli(data, "audit", "verify", "--json", **extra).stdout)["ok"]
    (exported / f"checkpoint-{6:012d}.txt").unlink()
    report = json.loads(cli(data, "audit", "purge", "--json", **extra).stdout)
    assert report["purged"] == 5 and report["through_seq"] == 5
    verified = json.loads(cli(data, "audit", "verify", "--json", **extra).stdout)
    assert verified["ok"] and verified["checkpoints_checked"] >= 2


# -- the vault -------------------------------------------------------------------------------------------------
HOLD_VAULT = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
db.execute("ROLLBACK")
"""


def test_a_vault_locked_by_another_writer_is_retried_then_a_clear_error(
    workspace: tuple[Path, Path], tmp_path: Path
) -> None:
    data = workspace[0]
    new = copy_corpus(tmp_path / "new", folders=(), files=("rh/confidentiel/note-individuelle-2025-017.md",))
    (new / "note-individuelle-2025-017.md").write_text(
        (new / "note-individuelle-2025-017.md").read_text() + "\n\nCopie à Mme Élodie Fontaine, paie.\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_VAULT, str(data / "vault" / "vault.sqlite")], text=True, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    busy = {"ASSISTANT_PRIVACY_VAULT_BUSY_TIMEOUT_S": "1", "ASSISTANT_PRIVACY_VAULT_BUSY_ATTEMPTS": "2"}
    try:
        before = registry(data)
        done = cli(data, "ingest", str(new), "--audience", "hr", "--json", expect=4, **busy)
        assert "retrying (attempt 2 of 2" in done.stderr
        error = json.loads(done.stdout)["error"]
        assert error["type"] == "VaultError" and "stayed locked by another writer" in error["message"]
        assert "Fontaine" not in done.stdout + done.stderr
        assert registry(data) == before
        patient = {"ASSISTANT_PRIVACY_VAULT_BUSY_TIMEOUT_S": "1", "ASSISTANT_PRIVACY_VAULT_BUSY_ATTEMPTS": "600"}
        process = start(data, "ingest", str(new), "--audience", "hr", "--json", **patient)
        assert process.stderr is not None
        waited = ""
        while "retrying" not in waited:  # it waits for the lock...
            line = process.stderr.readline()
            if not line:
                break
            waited += line
    finally:
        holder.communicate("\n", timeout=60)  # ...which the other writer now releases
    out, _ = process.communicate(timeout=DEADLINE_S)
    assert "retrying" in waited, f"the ingestion never waited for the lock: {waited[-2000:]}"
    assert process.returncode == 0 and json.loads(out)["added"] == 1
