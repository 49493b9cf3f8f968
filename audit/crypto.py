"""Envelope encryption of the personal part of each record, so it can be destroyed without touching the chain.

- every *subject* has a random 256-bit key, stored wrapped (AES-256-GCM) by the audit key-encryption key (KEK:
  ``audit.encryption_key`` or the generated ``<secrets_dir>/audit.key``); subjects are the pseudonymous asker id
  and every pseudonym token (``<PERSON_0123456789abcdef>``) in the record's payload;
- a record's data key is derived (HKDF-SHA256) from the keys of ALL its subjects (in tag order) and its random
  ``uid``; its payload (canonical JSON) is sealed with AES-256-GCM under that key, associated data = the ``uid``
  (a sealed payload cannot be moved to another record);
- subjects are stored as *tags*, HMAC-SHA256 of the subject under a key derived (HKDF) from the KEK, so the store
  links a person to their records without holding their pseudonym in clear.

Destroying ONE subject key therefore makes every payload that mentions the subject unrecoverable, even from an
older copy of the records table (this improves on wrapping the data key once per subject, where a surviving
co-subject's key and an old copy of its wrap would still open the payload). Only the subject-key table must not
outlive an erasure in backups. Every blob is ``12-byte nonce || ciphertext+tag``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from audit.errors import AuditConfigurationError
from privacy.keys import Secret

NONCE_BYTES = 12


class UnreadableError(Exception):
    """A blob does not decrypt under the given key (wrong key, destroyed key, altered bytes)."""


def _seal(key: bytes, plain: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plain, aad)


def _open(key: bytes, blob: bytes, aad: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except (InvalidTag, ValueError):
        raise UnreadableError("the blob does not decrypt under this key") from None


class AuditKeys:
    """Key operations of the audit log (see the module doc). Holds the KEK; never shows it."""

    def __init__(self, kek: Secret) -> None:
        if len(kek.reveal()) != 32:
            raise AuditConfigurationError("audit.encryption_key must be 32 bytes (AES-256), hex or base64")
        self._kek = kek
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"retail-assistant audit subject tag v1")
        self._tag_key = hkdf.derive(kek.reveal())

    def __repr__(self) -> str:
        return "AuditKeys(kek=Secret('**********'))"

    def check_value(self) -> str:
        """A keyed check value naming this KEK without revealing it (the store keeps it; another KEK is refused)."""
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"retail-assistant audit key check v1")
        return hmac.new(hkdf.derive(self._kek.reveal()), b"audit key check", hashlib.sha256).hexdigest()[:16]

    def tag(self, subject: str) -> str:
        """The stored name of a subject: hex HMAC-SHA256 under the derived tag key."""
        return hmac.new(self._tag_key, subject.encode(), hashlib.sha256).hexdigest()

    def new_subject_key(self, tag: str) -> tuple[bytes, bytes]:
        """A fresh subject key and its KEK-wrapped form (what the store keeps)."""
        key = AESGCM.generate_key(bit_length=256)
        return key, _seal(self._kek.reveal(), key, b"audit subject key\x1f" + tag.encode())

    def unwrap_subject_key(self, tag: str, wrapped: bytes) -> bytes:
        return _open(self._kek.reveal(), wrapped, b"audit subject key\x1f" + tag.encode())

    @staticmethod
    def data_key(subject_keys: Mapping[str, bytes], uid: str) -> bytes:
        """The record's data key: HKDF-SHA256 over its subjects' keys in tag order, salted by its ``uid``."""
        if not subject_keys:
            raise ValueError("a record has at least one subject")
        material = b"".join(subject_keys[tag] for tag in sorted(subject_keys))
        tags = "\x1f".join(sorted(subject_keys)).encode()
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=uid.encode(), info=b"audit payload key v1\x1f" + tags)
        return hkdf.derive(material)

    @staticmethod
    def seal_payload(plain: bytes, data_key: bytes, uid: str) -> bytes:
        return _seal(data_key, plain, b"audit payload\x1f" + uid.encode())

    @staticmethod
    def open_payload(sealed: bytes, data_key: bytes, uid: str) -> bytes:
        return _open(data_key, sealed, b"audit payload\x1f" + uid.encode())
