"""The envelope encryption every vault adapter shares (:class:`privacy.vault.SqliteVault`,
:class:`privacy.postgres_vault.PostgresVault`); the adapters only store and fetch rows.

- a value is encrypted with AES-256-GCM under the subject's random data key (96-bit random nonce, associated
  data = the token);
- the data key is wrapped (AES-256-GCM) by the key-encryption key (KEK), associated data = token + KEK id; the KEK id
  (a keyed fingerprint, not the key) is stored beside it, so a rotation re-wraps data keys without touching values;
- the blind index, HMAC-SHA256 of type + normalized value under a key derived from the pseudonym key (HKDF), finds a
  subject by value without decrypting anything, and survives KEK rotation.

A row is anything indexable by column name (``sqlite3.Row``, a dict) with ``token``, ``kek_id``, ``key_nonce``,
``wrapped_key``, ``nonce`` and ``ciphertext``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Any, NamedTuple, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from privacy.entities import PSEUDONYMIZED_ENTITIES
from privacy.errors import VaultError
from privacy.keys import Secret
from privacy.normalize import normalize


class Row(Protocol):
    def __getitem__(self, column: str, /) -> Any: ...


class Sealed(NamedTuple):
    """A value sealed for storage: the columns ``kek_id, key_nonce, wrapped_key, nonce, ciphertext``."""

    kek_id: str
    key_nonce: bytes
    wrapped_key: bytes
    nonce: bytes
    ciphertext: bytes


def derive_index_key(pseudonym: Secret) -> Secret:
    """The blind-index key, derived (HKDF-SHA256) from the pseudonym key: stable across KEK rotations."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"retail-assistant vault blind index v1")
    return Secret(hkdf.derive(pseudonym.reveal()))


def key_id(kek: Secret) -> str:
    """A fingerprint naming a KEK without revealing it."""
    return hmac.new(kek.reveal(), b"retail-assistant vault key id", hashlib.sha256).hexdigest()[:16]


class VaultCrypto:
    """The keys of one open vault and what they do. ``where`` names the storage in error messages (``file PATH``,
    ``the PostgreSQL vault``), never a value."""

    def __init__(self, kek: Secret, index_key: Secret, where: str) -> None:
        if len(kek.reveal()) != 32:
            raise VaultError("the vault key-encryption key must be 32 bytes (AES-256): fix privacy.vault_key")
        self.kek, self.kek_id = kek, key_id(kek)
        self.index_key = index_key
        self.where = where

    def use(self, kek: Secret) -> None:
        """Wrap and unwrap with ``kek`` from now on (after a rotation)."""
        self.kek, self.kek_id = kek, key_id(kek)

    def blind_index(self, entity_type: str, value: str) -> str:
        message = f"{entity_type}\x1f{normalize(entity_type, value)}".encode()
        return hmac.new(self.index_key.reveal(), message, hashlib.sha256).hexdigest()

    def blind_indexes(self, value: str, entity_type: str | None) -> list[str]:
        """The blind index of ``value`` as ``entity_type``, or as every pseudonymized type when None."""
        types = [entity_type] if entity_type else list(PSEUDONYMIZED_ENTITIES)
        return [self.blind_index(t, value) for t in types]

    def seal(self, token: str, value: str) -> Sealed:
        """``value`` encrypted under a fresh data key, wrapped by the current KEK."""
        data_key = AESGCM.generate_key(bit_length=256)
        nonce, key_nonce = os.urandom(12), os.urandom(12)
        ciphertext = AESGCM(data_key).encrypt(nonce, value.encode(), token.encode())
        wrapped = AESGCM(self.kek.reveal()).encrypt(key_nonce, data_key, (token + self.kek_id).encode())
        return Sealed(self.kek_id, key_nonce, wrapped, nonce, ciphertext)

    def unwrap(self, row: Row) -> bytes:
        """The data key of ``row``; :class:`VaultError` when it was wrapped by another KEK or altered."""
        if row["kek_id"] != self.kek_id:
            raise VaultError(
                f"vault entry wrapped by key id {row['kek_id']}, the configured vault key has id {self.kek_id}: "
                "set privacy.vault_key back to the key the vault was written with, or rotate to the new one"
            )
        try:
            return AESGCM(self.kek.reveal()).decrypt(
                bytes(row["key_nonce"]), bytes(row["wrapped_key"]), (row["token"] + row["kek_id"]).encode()
            )
        except InvalidTag:
            raise VaultError(f"vault entry cannot be decrypted ({self.where} altered?)") from None

    def decrypt(self, row: Row) -> str:
        data_key = self.unwrap(row)
        try:
            plain = AESGCM(data_key).decrypt(bytes(row["nonce"]), bytes(row["ciphertext"]), row["token"].encode())
        except InvalidTag:
            raise VaultError(f"vault entry cannot be decrypted ({self.where} altered?)") from None
        return plain.decode()

    def rewrap(self, row: Row, new_kek: Secret) -> tuple[str, bytes, bytes]:
        """``row``'s data key wrapped by ``new_kek``: the new ``kek_id, key_nonce, wrapped_key``."""
        data_key, new_id = self.unwrap(row), key_id(new_kek)
        key_nonce = os.urandom(12)
        wrapped = AESGCM(new_kek.reveal()).encrypt(key_nonce, data_key, (row["token"] + new_id).encode())
        return new_id, key_nonce, wrapped
