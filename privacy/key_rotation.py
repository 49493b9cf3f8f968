"""Rotating the vault's key-encryption key (KEK): every data key re-wrapped under a new KEK in one transaction;
values are not re-encrypted and the blind index does not change (it derives from the pseudonym key).

Where the new key comes from and where it goes:

- ``privacy.vault_key`` unset (the KEK is the generated ``vault.key`` of ``privacy.secrets_dir``): a new random key,
  or the one given, is written to ``vault.key.next`` (mode 0600) before the rotation and renamed over ``vault.key``
  after it commits, so no moment exists where the vault is wrapped by a key that is in no file.
- ``privacy.vault_key`` set (an environment variable, a Kubernetes or compose secret): the new key must be given
  (a file, so it shows in no process list), and the operator sets the variable to it.

Either way every other process that opened the vault with the old key (the server, other replicas, ingestion
workers) must restart with the new one: until then the vault refuses their writes and their reads fail, naming both
key ids (see :func:`privacy.vault_keys.rotated_away`); nothing is written under the old key.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pydantic import SecretStr

from privacy.errors import KeyConfigurationError, SecretsPermissionError
from privacy.keys import KEY_BYTES, Secret, parse_key
from privacy.settings import PrivacySettings
from privacy.vault import VAULT_KEY_FILE, key_id, vault_keys


class Rotatable(Protocol):
    def rotate(self, new_kek: Secret) -> int: ...


@dataclass(frozen=True)
class Rotation:
    rewrapped: int
    previous_key_id: str
    key_id: str
    key_file: str | None  # the secrets-dir file now holding the new key, or None when the setting holds it

    def as_json(self) -> dict[str, object]:
        where = (
            f"the new key is in {self.key_file}"
            if self.key_file
            else "set privacy.vault_key (ASSISTANT_PRIVACY_VAULT_KEY, or its secret) to the new key"
        )
        return {
            "rewrapped": self.rewrapped,
            "previous_key_id": self.previous_key_id,
            "key_id": self.key_id,
            "key_file": self.key_file,
            "next": f"{where}, then restart every other process using this vault (server, replicas) with it",
        }


def read_key_file(path: Path) -> Secret:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyConfigurationError(f"cannot read the new vault key from {path} ({exc}): check the path") from None
    return parse_key(SecretStr(text), "vault_key")


def rotate_vault_key(vault: Rotatable, settings: PrivacySettings, new_kek: Secret | None) -> Rotation:
    """Rotate ``vault`` (opened with ``settings``) to ``new_kek``, or to a fresh random key when the KEK lives in the
    secrets dir. :class:`KeyConfigurationError` when the new key equals the current one or cannot be placed."""
    current, _ = vault_keys(settings)
    if settings.vault_key is not None and new_kek is None:
        raise KeyConfigurationError(
            "the vault key comes from privacy.vault_key (ASSISTANT_PRIVACY_VAULT_KEY): write the new key to a file "
            "(32 random bytes, base64) and pass it with --new-key-file, then set the setting to it"
        )
    new = new_kek or Secret(secrets.token_bytes(KEY_BYTES))
    if key_id(new) == key_id(current):
        raise KeyConfigurationError("the new vault key is the current one: give another key")
    if settings.vault_key is not None:
        return Rotation(vault.rotate(new), key_id(current), key_id(new), None)
    key_path = settings.secrets_dir.expanduser() / VAULT_KEY_FILE
    pending = key_path.with_name(VAULT_KEY_FILE + ".next")
    try:
        fd = os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.b64encode(new.reveal()).decode() + "\n")
    except OSError as exc:
        raise SecretsPermissionError(
            f"cannot write the new vault key to {pending} ({exc.strerror}): make privacy.secrets_dir writable by "
            "this user; nothing was rotated"
        ) from None
    try:
        rewrapped = vault.rotate(new)
    except BaseException:
        pending.unlink(missing_ok=True)
        raise
    os.replace(pending, key_path)
    return Rotation(rewrapped, key_id(current), key_id(new), str(key_path))
