"""Rotating the vault key (privacy/key_rotation.py) on the SQLite vault: where the new key is written, what a
rotation cut short leaves, and what the setting-held key requires. The vault side of a rotation (every data key
re-wrapped, a replica on the old key refused) is in the vault contract suite."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from pydantic import SecretStr

from privacy.errors import KeyConfigurationError, VaultError
from privacy.key_rotation import read_key_file, rotate_vault_key
from privacy.keys import Secret
from privacy.settings import PrivacySettings
from privacy.vault import SqliteVault, key_id

NEW = Secret(b"N" * 32)


def _settings(tmp_path: Path, vault_key: bytes | None = None) -> PrivacySettings:
    key = SecretStr(base64.b64encode(vault_key).decode()) if vault_key else None
    return PrivacySettings(secrets_dir=tmp_path / "secrets", vault_key=key)


def _vault(settings: PrivacySettings, tmp_path: Path) -> SqliteVault:
    vault = SqliteVault.from_settings(settings, tmp_path / "data")
    assert vault.put("<PERSON_0000000000000001>", "PERSON", "Élodie Fontaine")
    return vault


def test_a_key_in_the_secrets_dir_is_replaced_by_a_fresh_one_that_opens_the_vault(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    vault = _vault(settings, tmp_path)
    before = (tmp_path / "secrets" / "vault.key").read_text()
    rotation = rotate_vault_key(vault, settings, None)
    vault.close()
    key_file = tmp_path / "secrets" / "vault.key"
    assert rotation.rewrapped == 1 and rotation.key_file == str(key_file)
    assert key_file.read_text() != before and (key_file.stat().st_mode & 0o777) == 0o600
    assert not (tmp_path / "secrets" / "vault.key.next").exists()
    reopened = SqliteVault.from_settings(settings, tmp_path / "data")  # the file's new key opens it
    assert reopened.get("<PERSON_0000000000000001>") == "Élodie Fontaine"
    assert "restart every other process" in str(rotation.as_json()["next"])
    assert before.strip() not in str(rotation.as_json())  # the report names key ids, never a key
    reopened.close()


def test_a_rotation_that_fails_keeps_the_old_key_file_and_leaves_no_pending_one(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    vault = _vault(settings, tmp_path)
    before = (tmp_path / "secrets" / "vault.key").read_text()

    class Failing:
        def rotate(self, new_kek: Secret) -> int:
            raise VaultError("the vault is read-only")

    with pytest.raises(VaultError):
        rotate_vault_key(Failing(), settings, NEW)
    assert (tmp_path / "secrets" / "vault.key").read_text() == before
    assert not (tmp_path / "secrets" / "vault.key.next").exists()
    vault.close()


def test_a_key_held_by_the_setting_needs_the_new_one_given_and_leaves_files_alone(tmp_path: Path) -> None:
    settings = _settings(tmp_path, b"K" * 32)
    vault = _vault(settings, tmp_path)
    with pytest.raises(KeyConfigurationError, match="--new-key-file"):
        rotate_vault_key(vault, settings, None)
    with pytest.raises(KeyConfigurationError, match="is the current one"):
        rotate_vault_key(vault, settings, Secret(b"K" * 32))
    rotation = rotate_vault_key(vault, settings, NEW)
    assert (rotation.key_file, rotation.key_id) == (None, key_id(NEW))
    assert "ASSISTANT_PRIVACY_VAULT_KEY" in str(rotation.as_json()["next"])
    assert not (tmp_path / "secrets" / "vault.key").exists()
    vault.close()
    with pytest.raises(VaultError, match="key id"):  # the old setting no longer opens it, naming the fix
        SqliteVault.from_settings(settings, tmp_path / "data")
    new_settings = _settings(tmp_path, b"N" * 32)
    assert SqliteVault.from_settings(new_settings, tmp_path / "data").get("<PERSON_0000000000000001>")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot read the new vault key from .*missing.key"),
        ("too short", r"vault_key.*at least 32 bytes"),
    ],
)
def test_a_new_key_file_that_cannot_be_used_is_named(tmp_path: Path, content: str | None, problem: str) -> None:
    path = tmp_path / "missing.key"
    if content is not None:
        path.write_text(content)
    with pytest.raises(KeyConfigurationError, match=problem):
        read_key_file(path)
    assert read_key_file(_write(tmp_path / "ok.key", base64.b64encode(b"N" * 32).decode())) == NEW


def _write(path: Path, text: str) -> Path:
    path.write_text(text + "\n")
    return path
