"""The vault and registry contracts on their SQLite adapters; the settings that pick the PostgreSQL ones (which
tests/integration/test_shared_state_postgres.py runs against a real server)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.core.errors import ConfigurationError
from assistant.settings import load_settings
from ingestion.registry import SqliteDocumentRegistry
from privacy.keys import Secret
from privacy.ports import AccessHook
from privacy.vault import SqliteVault
from tests.contracts.document_registry import DocumentRegistryContract, OpenedRegistry
from tests.contracts.vault import INDEX, KEK, OpenedVault, OpenVault, VaultContract

pytestmark = pytest.mark.unit


class TestSqliteVault(VaultContract):
    @pytest.fixture
    def open_vault(self, tmp_path: Path) -> Iterator[OpenVault]:
        opened: list[SqliteVault] = []

        def open_one(kek: Secret = KEK, index_key: Secret = INDEX, on_get: AccessHook | None = None) -> OpenedVault:
            opened.append(SqliteVault(tmp_path / "vault" / "vault.sqlite", kek, index_key, on_get))
            return opened[-1]

        yield open_one
        for vault in opened:
            vault.close()

    @pytest.fixture
    def stored(self, tmp_path: Path) -> Callable[[], bytes]:
        return (tmp_path / "vault" / "vault.sqlite").read_bytes


class TestSqliteDocumentRegistry(DocumentRegistryContract):
    @pytest.fixture
    def open_registry(self, tmp_path: Path) -> Iterator[Callable[[], OpenedRegistry]]:
        opened: list[SqliteDocumentRegistry] = []

        def open_one() -> OpenedRegistry:
            opened.append(SqliteDocumentRegistry(tmp_path / "documents.sqlite"))
            return opened[-1]

        yield open_one
        for registry in opened:
            registry.close()


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"ASSISTANT_PRIVACY_VAULT_BACKEND": "postgres"}, "privacy.vault_backend is postgres"),
        ({"ASSISTANT_INGESTION_REGISTRY_BACKEND": "postgres"}, "ingestion.registry_backend is postgres"),
        (
            {
                "ASSISTANT_PRIVACY_VAULT_BACKEND": "postgres",
                "ASSISTANT_INGESTION_REGISTRY_BACKEND": "postgres",
                "ASSISTANT_AUDIT_BACKEND": "postgres",
            },
            "privacy.vault_backend and ingestion.registry_backend are postgres",
        ),
    ],
)
def test_a_postgres_vault_or_registry_without_a_dsn_is_refused_naming_the_fix(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], named: str
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as caught:
        load_settings()
    message = str(caught.value)
    assert named in message and "audit.postgres_dsn is not set" in message
    assert "ASSISTANT_AUDIT_POSTGRES_DSN" in message


def test_the_backends_are_read_from_their_variables_and_sqlite_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    default = load_settings()
    assert (default.privacy.vault_backend, default.ingestion.registry_backend) == ("sqlite", "sqlite")
    monkeypatch.setenv("ASSISTANT_PRIVACY_VAULT_BACKEND", "postgres")
    monkeypatch.setenv("ASSISTANT_INGESTION_REGISTRY_BACKEND", "postgres")
    monkeypatch.setenv("ASSISTANT_AUDIT_POSTGRES_DSN", "host=db.internal dbname=assistant password=s3cret")
    settings = load_settings()
    assert (settings.privacy.vault_backend, settings.ingestion.registry_backend) == ("postgres", "postgres")
    assert settings.shared_dsn() == "host=db.internal dbname=assistant password=s3cret"
    monkeypatch.setenv("ASSISTANT_PRIVACY_VAULT_BACKEND", "mysql")
    with pytest.raises(ConfigurationError, match="ASSISTANT_PRIVACY_VAULT_BACKEND") as caught:
        load_settings()
    assert "s3cret" not in str(caught.value)


def test_the_composition_root_opens_the_sqlite_adapters_by_default(tmp_path: Path) -> None:
    from assistant.container import Container
    from assistant.shared_state import open_vault

    settings = load_settings(data_dir=tmp_path / "data", privacy={"secrets_dir": tmp_path / "secrets"})
    container = Container(settings)
    try:
        assert isinstance(container.registry, SqliteDocumentRegistry)
        vault = open_vault(settings)
        assert isinstance(vault, SqliteVault) and vault.path == tmp_path / "data" / "vault" / "vault.sqlite"
        vault.close()
        assert settings.registry_path.is_file()
    finally:
        container.close()
