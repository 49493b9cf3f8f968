"""Vault: encryption at rest, idempotent put, find by value, forget (crypto-shredding + tombstone), rotation."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from privacy.errors import VaultError
from privacy.keys import Secret
from privacy.ports import Vault
from privacy.pseudonymizer import make_token
from privacy.settings import PrivacySettings
from privacy.vault import SqliteVault

pytestmark = pytest.mark.unit
KEK = Secret(b"K" * 32)
INDEX = Secret(b"I" * 32)
TOKEN_KEY = Secret(b"T" * 32)
NAME = "Élodie Fontaine"
NAME_TOKEN = make_token(TOKEN_KEY, "PERSON", NAME)
IBAN = "FR76 3000 4028 3700 0104 5678 997"
IBAN_TOKEN = make_token(TOKEN_KEY, "IBAN", IBAN)


@pytest.fixture
def vault(tmp_path: Path) -> SqliteVault:
    v = SqliteVault(tmp_path / "vault" / "vault.sqlite", KEK, INDEX)
    assert v.put(NAME_TOKEN, "PERSON", NAME)
    assert v.put(IBAN_TOKEN, "IBAN", IBAN)
    return v


def test_is_a_vault(vault: SqliteVault) -> None:
    assert isinstance(vault, Vault)


def test_put_get_and_idempotent_put(vault: SqliteVault) -> None:
    assert vault.get(NAME_TOKEN) == NAME
    assert vault.put(NAME_TOKEN, "PERSON", NAME)
    assert vault.stats() == {"active": 2, "forgotten": 0, "PERSON": 1, "IBAN": 1}
    assert vault.get("<PERSON_0000000000000000>") is None


def test_values_are_encrypted_at_rest(vault: SqliteVault) -> None:
    vault.close()
    raw = vault.path.read_bytes()
    for needle in (NAME, "Fontaine", "fontaine", IBAN, IBAN.replace(" ", ""), "5678"):
        assert needle.encode() not in raw
        assert needle.encode("utf-16-le") not in raw
    assert stat.S_IMODE(vault.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(vault.path.parent.stat().st_mode) == 0o700


def test_find_by_value_through_the_blind_index(vault: SqliteVault) -> None:
    assert vault.find("ELODIE FONTAINE") == [NAME_TOKEN]
    assert vault.find("elodie fontaine", "PERSON") == [NAME_TOKEN]
    assert vault.find("FR7630004028370001045678997") == [IBAN_TOKEN]
    assert vault.find(NAME, "EMAIL") == []
    assert vault.find("Karim Benali") == []


def test_forget_crypto_shreds_and_keeps_a_tombstone(vault: SqliteVault) -> None:
    assert vault.forget(NAME_TOKEN)
    assert not vault.forget(NAME_TOKEN)  # already forgotten
    assert vault.get(NAME_TOKEN) is None
    assert vault.find(NAME) == []
    assert vault.is_forgotten(NAME_TOKEN)
    assert vault.is_forgotten("ÉLODIE FONTAINE")
    assert vault.is_forgotten(NAME, "PERSON")
    assert not vault.is_forgotten(IBAN)
    assert not vault.put(NAME_TOKEN, "PERSON", NAME)  # re-ingestion cannot bring the person back
    assert vault.export(NAME_TOKEN)["value"] is None
    assert vault.export(NAME_TOKEN)["forgotten_at"]
    assert vault.stats() == {"active": 1, "forgotten": 1, "IBAN": 1}
    vault.close()
    row = vault.path.read_bytes()
    assert NAME.encode() not in row


def test_rotate_rewraps_keys_without_touching_values(vault: SqliteVault, tmp_path: Path) -> None:
    new = Secret(b"N" * 32)
    assert vault.rotate(new) == 2
    assert vault.get(NAME_TOKEN) == NAME
    vault.close()
    with pytest.raises(VaultError, match="key id"):
        SqliteVault(vault.path, KEK, INDEX).get(NAME_TOKEN)  # the old KEK no longer opens it
    reopened = SqliteVault(vault.path, new, INDEX)
    assert reopened.get(IBAN_TOKEN) == IBAN
    assert reopened.find(NAME) == [NAME_TOKEN]  # blind index survives rotation


def test_wrong_key_is_an_error_naming_the_setting(vault: SqliteVault) -> None:
    vault.close()
    with pytest.raises(VaultError, match="vault_key"):
        SqliteVault(vault.path, Secret(b"W" * 32), INDEX).get(NAME_TOKEN)


def test_every_read_is_reported_to_the_audit_hook(tmp_path: Path) -> None:
    seen: list[tuple[str, str]] = []
    v = SqliteVault(tmp_path / "v.sqlite", KEK, INDEX, on_get=lambda token, kind: seen.append((token, kind)))
    v.put(NAME_TOKEN, "PERSON", NAME)
    v.get(NAME_TOKEN)
    v.export(NAME_TOKEN)
    v.get("<PERSON_0000000000000000>")
    assert seen == [(NAME_TOKEN, "PERSON"), (NAME_TOKEN, "PERSON")]


def test_from_settings_default_path_and_generated_keys(tmp_path: Path) -> None:
    settings = PrivacySettings(secrets_dir=tmp_path / "secrets")
    v = SqliteVault.from_settings(settings, tmp_path / "data")
    assert v.path == tmp_path / "data" / "vault" / "vault.sqlite"
    assert (tmp_path / "secrets" / "vault.key").is_file()
    assert not list((tmp_path / "data").rglob("*.key"))  # keys never in the data dir
    assert v.put(NAME_TOKEN, "PERSON", NAME)
    assert SqliteVault.from_settings(settings, tmp_path / "data").get(NAME_TOKEN) == NAME
    assert "Fontaine" not in repr(v)


@pytest.mark.parametrize(
    ("kek", "index", "problem"),
    [
        (KEK, Secret(b"J" * 32), "another pseudonym key.*ASSISTANT_PRIVACY_PSEUDONYM_KEY"),  # a lost secrets_dir
        (Secret(b"W" * 32), INDEX, "key id.*ASSISTANT_PRIVACY_VAULT_KEY"),
        (KEK, INDEX, None),
    ],
)
def test_the_vault_refuses_keys_it_was_not_written_with_before_writing_anything(
    vault: SqliteVault, kek: Secret, index: Secret, problem: str | None
) -> None:
    vault.close()
    if problem is None:
        assert SqliteVault(vault.path, kek, index).find(NAME) == [NAME_TOKEN]
        return
    with pytest.raises(VaultError, match=problem):
        SqliteVault(vault.path, kek, index)
    reopened = SqliteVault(vault.path, KEK, INDEX)  # nothing was written with the wrong keys
    assert reopened.find(NAME) == [NAME_TOKEN] and reopened.stats()["active"] == 2


def test_an_empty_vault_remembers_its_pseudonym_key_from_the_first_start(tmp_path: Path) -> None:
    SqliteVault(tmp_path / "v.sqlite", KEK, INDEX).close()
    with pytest.raises(VaultError, match="another pseudonym key"):
        SqliteVault(tmp_path / "v.sqlite", KEK, Secret(b"J" * 32))


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
