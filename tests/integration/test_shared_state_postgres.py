"""The vault and the document registry on a real, throwaway PostgreSQL cluster (started by deploy/postgres.sh), as
the application's replicas share them: both contracts, a put racing a forget on another replica, and the
composition root choosing these adapters from the settings."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from ingestion.postgres_registry import PostgresDocumentRegistry
from privacy.keys import Secret
from privacy.ports import AccessHook
from privacy.postgres_vault import PostgresVault, subject_lock
from tests.contracts.document_registry import DocumentRegistryContract, OpenedRegistry
from tests.contracts.vault import INDEX, KEK, NAME, NAME_TOKEN, OpenedVault, OpenVault, VaultContract
from tests.integration import test_audit_postgres as audit_postgres

pytestmark = pytest.mark.integration
cluster = audit_postgres.cluster  # the audit tests' fixtures: a throwaway cluster per module, a fresh schema per test
dsn = audit_postgres.dsn


class TestPostgresVault(VaultContract):
    @pytest.fixture
    def open_vault(self, dsn: str) -> Iterator[OpenVault]:
        opened: list[PostgresVault] = []

        def open_one(kek: Secret = KEK, index_key: Secret = INDEX, on_get: AccessHook | None = None) -> OpenedVault:
            opened.append(PostgresVault(dsn, kek, index_key, on_get))
            return opened[-1]

        yield open_one
        for vault in opened:
            vault.close()

    @pytest.fixture
    def stored(self, dsn: str) -> Callable[[], bytes]:
        def dump() -> bytes:
            with psycopg.connect(dsn, autocommit=True) as db:
                rows = [*db.execute("SELECT * FROM vault_subjects"), *db.execute("SELECT * FROM vault_meta")]
            return b"\0".join(v if isinstance(v, bytes) else str(v).encode() for row in rows for v in row)

        return dump


class TestPostgresDocumentRegistry(DocumentRegistryContract):
    @pytest.fixture
    def open_registry(self, dsn: str) -> Iterator[Callable[[], OpenedRegistry]]:
        opened: list[PostgresDocumentRegistry] = []

        def open_one() -> OpenedRegistry:
            opened.append(PostgresDocumentRegistry(dsn))
            return opened[-1]

        yield open_one
        for registry in opened:
            registry.close()


def test_a_put_waits_for_a_forget_in_progress_on_another_replica_then_refuses(dsn: str) -> None:
    """Replica A is forgetting the subject (its transaction holds the subject's lock and has written the tombstone,
    not yet committed); replica B puts the same value under another token: the put waits, then sees the tombstone.
    Without the per-subject lock B would find no committed tombstone and store the person again."""
    one, two = PostgresVault(dsn, KEK, INDEX), PostgresVault(dsn, KEK, INDEX)
    try:
        assert one.put(NAME_TOKEN, "PERSON", NAME)
        other_token = "<PERSON_00000000000000000000000000000001>"
        result: list[bool] = []
        with psycopg.connect(dsn) as forgetting:  # a transaction, as PostgresVault.forget runs it
            forgetting.execute("SELECT pg_advisory_xact_lock(%s, %s)", subject_lock(one.blind_index("PERSON", NAME)))
            forgetting.execute(
                "UPDATE vault_subjects SET kek_id = NULL, key_nonce = NULL, wrapped_key = NULL, nonce = NULL, "
                "ciphertext = NULL, forgotten_at = 'now' WHERE token = %s",
                (NAME_TOKEN,),
            )
            putting = threading.Thread(target=lambda: result.append(two.put(other_token, "PERSON", NAME.upper())))
            putting.start()
            time.sleep(1.0)
            assert putting.is_alive() and result == []  # waiting for the forget
            forgetting.commit()
        putting.join(timeout=30)
        assert result == [False]
        assert two.get(other_token) is None and one.find(NAME, include_forgotten=True) == [NAME_TOKEN]
        assert one.stats() == {"active": 0, "forgotten": 1}
    finally:
        one.close()
        two.close()


def test_forgets_and_puts_racing_on_two_replicas_never_bring_a_subject_back(dsn: str) -> None:
    """Many subjects forgotten on one replica while another puts the same values under new tokens at the same time:
    nothing fails or deadlocks, every forgotten token stays unreadable, and each put's answer is what was stored (a
    refused put left nothing of the value alive)."""
    one, two = PostgresVault(dsn, KEK, INDEX), PostgresVault(dsn, KEK, INDEX)
    try:
        values = [f"Personne Numéro{i}" for i in range(30)]
        first = {v: f"<PERSON_{i:032x}>" for i, v in enumerate(values)}
        second = {v: f"<PERSON_{i + 1000:032x}>" for i, v in enumerate(values)}
        for value in values:
            assert one.put(first[value], "PERSON", value)
        puts: dict[str, bool] = {}
        forgets = threading.Thread(target=lambda: [one.forget(first[v]) for v in values])
        forgets.start()
        for value in values:
            puts[value] = two.put(second[value], "PERSON", value)
        forgets.join(timeout=60)
        for value in values:
            assert one.get(first[value]) is None
            assert (two.get(second[value]) is not None) == puts[value]
            if not puts[value]:
                assert one.is_forgotten(value) and one.find(value) == []
    finally:
        one.close()
        two.close()


def test_an_unreachable_server_is_a_named_vault_error_without_the_dsn() -> None:
    from assistant.core.errors import BackendError
    from privacy.errors import VaultError

    nowhere = f"host=127.0.0.1 port={audit_postgres._free_port()} dbname=x user=x password=s3cret"
    with pytest.raises(VaultError, match="ASSISTANT_AUDIT_POSTGRES_DSN") as caught:
        PostgresVault(nowhere, KEK, INDEX, busy_timeout_s=2)
    assert "s3cret" not in str(caught.value)
    with pytest.raises(BackendError, match=r"document registry.*ASSISTANT_AUDIT_POSTGRES_DSN") as failed:
        PostgresDocumentRegistry(nowhere, busy_timeout_s=2)
    assert "s3cret" not in str(failed.value)


def test_the_composition_root_picks_the_postgres_adapters_and_replicas_share_them(
    dsn: str,
    tmp_path: Path,
) -> None:
    """Two containers (two replicas: their own data dir, the same database and keys) built from the settings."""
    from assistant.container import Container
    from assistant.ingest_workers import privacy_boundary
    from assistant.settings import load_settings
    from tests.contracts.document_registry import record

    def replica(name: str) -> Container:
        return Container(
            load_settings(
                data_dir=tmp_path / name,
                privacy={"vault_backend": "postgres", "secrets_dir": tmp_path / "secrets"},
                ingestion={"registry_backend": "postgres"},
                audit={"backend": "postgres", "postgres_dsn": dsn},
            )
        )

    one, two = replica("one"), replica("two")
    try:
        assert isinstance(one.registry, PostgresDocumentRegistry) and isinstance(one.privacy.vault, PostgresVault)
        boundary = privacy_boundary(two.settings)  # what ingestion workers build
        assert isinstance(boundary.vault, PostgresVault)
        boundary.close()
        one.registry.put(record("a", "docs/a.md"))
        assert one.privacy.vault.put(NAME_TOKEN, "PERSON", NAME)
        assert two.registry.get("a") == one.registry.get("a")
        assert two.privacy.vault.find(NAME) == [NAME_TOKEN]
        assert two.privacy.vault.forget(NAME_TOKEN) and one.privacy.vault.is_forgotten(NAME)
        assert not list(tmp_path.rglob("*.sqlite"))  # neither the vault nor the registry is a file of a replica
    finally:
        one.close()
        two.close()


def test_a_single_host_vault_is_migrated_with_its_tombstones_and_until_then_the_postgres_vault_refuses(
    dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deployment moving from one host to replicas: its SQLite vault's originals and erasure tombstones move into
    PostgreSQL through `assistant privacy migrate-vault`; a PostgreSQL vault opened before that is refused (a
    forgotten person would otherwise come back on re-ingestion)."""
    import json

    from typer.testing import CliRunner

    from assistant.cli import app
    from assistant.settings import load_settings
    from assistant.shared_state import open_vault
    from privacy.errors import VaultError
    from privacy.pseudonymizer import make_token
    from privacy.vault import SqliteVault
    from tests.contracts.vault import IBAN, IBAN_TOKEN

    local = load_settings(data_dir=tmp_path / "data", privacy={"secrets_dir": tmp_path / "secrets"})
    single = SqliteVault.from_settings(local.privacy, local.data_dir)
    assert single.put(NAME_TOKEN, "PERSON", NAME) and single.put(IBAN_TOKEN, "IBAN", IBAN)
    assert single.forget(IBAN_TOKEN)
    single.close()
    env = {"ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_PRIVACY_SECRETS_DIR": str(tmp_path / "secrets"),
           "ASSISTANT_PRIVACY_VAULT_BACKEND": "postgres", "ASSISTANT_AUDIT_POSTGRES_DSN": dsn}  # fmt: skip
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    shared = load_settings()
    with pytest.raises(VaultError, match=r"holds 2 subject row\(s\).*assistant privacy migrate-vault"):
        open_vault(shared)

    result = CliRunner().invoke(app, ["privacy", "migrate-vault", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) | {"source": ""} == {"source": "", "copied": 2, "forgotten": 0, "present": 0}
    vault = open_vault(shared)
    try:
        assert vault.get(NAME_TOKEN) == NAME  # the original, still readable with the same keys
        assert vault.is_forgotten(IBAN) and not vault.put(IBAN_TOKEN, "IBAN", IBAN)  # the tombstone came along
    finally:
        vault.close()

    single = SqliteVault.from_settings(local.privacy, local.data_dir)  # the single host went on meanwhile
    email_token = make_token(Secret(b"T" * 32), "EMAIL", "a@b.example")
    assert single.put(email_token, "EMAIL", "a@b.example") and single.forget(NAME_TOKEN)
    single.close()
    with pytest.raises(VaultError, match=r"holds 3 subject row\(s\).*\(2 merged\)"):
        open_vault(shared)
    result = CliRunner().invoke(app, ["privacy", "migrate-vault", "--json"])
    assert json.loads(result.stdout) | {"source": ""} == {"source": "", "copied": 1, "forgotten": 1, "present": 1}
    vault = open_vault(shared)
    try:
        assert vault.get(NAME_TOKEN) is None and vault.is_forgotten(NAME)  # the later erasure was carried over
        assert vault.get(email_token) == "a@b.example"
    finally:
        vault.close()
