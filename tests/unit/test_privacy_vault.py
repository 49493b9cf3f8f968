"""Vault: encryption at rest, idempotent put, find by value, forget (crypto-shredding + tombstone), rotation."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from privacy.errors import VaultError
from privacy.keys import Secret
from privacy.settings import PrivacySettings
from privacy.vault import SqliteVault
from tests.contracts.vault import IBAN, IBAN_TOKEN, INDEX, KEK, NAME, NAME_TOKEN

pytestmark = pytest.mark.unit


@pytest.fixture
def vault(tmp_path: Path) -> SqliteVault:
    v = SqliteVault(tmp_path / "vault" / "vault.sqlite", KEK, INDEX)
    assert v.put(NAME_TOKEN, "PERSON", NAME)
    assert v.put(IBAN_TOKEN, "IBAN", IBAN)
    return v


def test_the_vault_file_is_private_and_holds_no_plaintext(vault: SqliteVault) -> None:
    """SQLite's file (the contract suite, tests/contracts/vault.py, checks every vault's dump; run on SQLite in
    test_shared_state.py)."""
    vault.close()
    raw = vault.path.read_bytes()
    for needle in (NAME, "Fontaine", "fontaine", IBAN, IBAN.replace(" ", ""), "5678"):
        assert needle.encode() not in raw
        assert needle.encode("utf-16-le") not in raw
    assert stat.S_IMODE(vault.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(vault.path.parent.stat().st_mode) == 0o700


def test_wrong_key_is_an_error_naming_the_setting(vault: SqliteVault) -> None:
    vault.close()
    with pytest.raises(VaultError, match="vault_key"):
        SqliteVault(vault.path, Secret(b"W" * 32), INDEX).get(NAME_TOKEN)


def test_from_settings_default_path_and_generated_keys(tmp_path: Path) -> None:
    settings = PrivacySettings(secrets_dir=tmp_path / "secrets")
    v = SqliteVault.from_settings(settings, tmp_path / "data")
    assert v.path == tmp_path / "data" / "vault" / "vault.sqlite"
    assert (tmp_path / "secrets" / "vault.key").is_file()
    assert not list((tmp_path / "data").rglob("*.key"))  # keys never in the data dir
    assert v.put(NAME_TOKEN, "PERSON", NAME)
    assert SqliteVault.from_settings(settings, tmp_path / "data").get(NAME_TOKEN) == NAME
    assert "Fontaine" not in repr(v)


def _put_many(path: str, start: int) -> int:
    vault = SqliteVault(Path(path), KEK, INDEX)
    tokens = [f"<PERSON_{i:016x}>" for i in range(40)]
    stored = sum(vault.put(t, "PERSON", f"Personne {i}") for i, t in enumerate(tokens[start:] + tokens[:start]))
    vault.close()
    return stored


def test_processes_putting_the_same_subjects_at_once_never_fail(tmp_path: Path) -> None:
    import multiprocessing

    path = tmp_path / "v.sqlite"
    SqliteVault(path, KEK, INDEX).close()
    with multiprocessing.get_context("fork").Pool(4) as pool:
        results = pool.starmap(_put_many, [(str(path), start) for start in (0, 10, 20, 30)])
    assert results == [40, 40, 40, 40]  # each put is True: stored, or already there with the same value
    assert SqliteVault(path, KEK, INDEX).stats()["active"] == 40


def test_a_vault_locked_by_another_writer_is_retried_then_a_clear_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import logging
    import sqlite3

    path = tmp_path / "vault.sqlite"
    SqliteVault(path, KEK, INDEX).close()
    vault = SqliteVault(path, KEK, INDEX, busy_timeout_s=0.05, busy_attempts=3)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing, for longer than every attempt
    with caplog.at_level(logging.WARNING, logger="privacy.vault"), pytest.raises(VaultError) as caught:
        vault.put(NAME_TOKEN, "PERSON", NAME)
    assert "stayed locked by another writer (3 attempts" in str(caught.value)
    assert "ASSISTANT_PRIVACY_VAULT_BUSY_TIMEOUT_S" in str(caught.value) and NAME not in str(caught.value)
    assert ["attempt 2 of 3" in r.getMessage() for r in caplog.records] == [True, False]
    assert "attempt 3 of 3" in caplog.records[1].getMessage() and NAME not in caplog.text
    with pytest.raises(VaultError, match="stayed locked"):
        vault.forget(NAME_TOKEN)

    class Release(logging.Handler):  # the other writer finishes while this one waits: the retry gets the lock
        def emit(self, record: logging.LogRecord) -> None:
            if holder.in_transaction:
                holder.execute("ROLLBACK")

    release = Release()
    logging.getLogger("privacy.vault").addHandler(release)
    try:
        assert holder.in_transaction  # still holding the lock
        assert vault.put(NAME_TOKEN, "PERSON", NAME) is True
    finally:
        logging.getLogger("privacy.vault").removeHandler(release)
    assert vault.get(NAME_TOKEN) == NAME
