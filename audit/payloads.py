"""Opening the sealed payloads of stored records: for reviewers (:meth:`PayloadReader.view`) and for ``verify``
(:meth:`PayloadReader.check`), and the key check value that refuses another key-encryption key at open.

A present payload opens only with the keys of ALL the subjects linked to its record, in tag order (see
:mod:`audit.crypto`): a deleted link row changes the derived data key, a deleted or swapped subject-key row leaves
a tag without its key. ``check`` tells these apart so ``verify`` can name what was removed.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from audit.crypto import AuditKeys, UnreadableError
from audit.errors import AuditConfigurationError
from audit.ports import AuditStore, RecordFilter, StoredRecord
from audit.views import AuditView

KEY_CHECK = "kek_check"
Defect = Literal["no_links", "key_gone", "key_altered", "undecryptable"]
DEFECTS: dict[str, str] = {
    "no_links": "its subject links were deleted (the payload can no longer be opened)",
    "key_gone": "a subject key it needs was deleted without an audit.forget record listing it",
    "key_altered": "a subject key it needs does not open (altered or swapped)",
    "undecryptable": "its payload does not decrypt (a subject link was deleted, or the payload replaced)",
}
WRONG_KEK = (
    "the audit log was written with another key-encryption key than the one configured: set audit.encryption_key "
    "(ASSISTANT_AUDIT_ENCRYPTION_KEY, or the audit.key file of the secrets dir) back to that key. With a new key the "
    "same people would get new subject tags, and erasure would miss their old records"
)


def check_keys(store: AuditStore, keys: AuditKeys) -> None:
    """Refuse a KEK other than the one the log was written with, before anything is written with it. The store
    keeps a check value (written on first use); a log written before the check value existed is checked against one
    of its wrapped subject keys first."""
    value = keys.check_value()
    stored = store.meta(KEY_CHECK)
    if stored is None:
        if not _opens_a_subject_key(store, keys):
            raise AuditConfigurationError(WRONG_KEK)
        stored = store.put_meta(KEY_CHECK, value)
    if stored != value:
        raise AuditConfigurationError(WRONG_KEK)


def _opens_a_subject_key(store: AuditStore, keys: AuditKeys) -> bool:
    """True when the first stored subject key still in use unwraps (or when there is none yet)."""
    for rec in store.records(where=RecordFilter(since="")):  # records with a header, in seq order
        for tag in store.tags(rec.seq):
            wrapped = store.subject_key(tag)
            if wrapped is not None:
                try:
                    keys.unwrap_subject_key(tag, wrapped)
                except UnreadableError:
                    return False
                return True
    return True


class PayloadReader:
    """Decrypts payloads with the keys the store holds. One reader per verification run caches unwrapped keys."""

    def __init__(self, store: AuditStore, keys: AuditKeys) -> None:
        self._store = store
        self._keys = keys
        self._cache: dict[str, bytes] = {}

    def _subject_keys(self, seq: int) -> dict[str, bytes] | Defect:
        tags = self._store.tags(seq)
        if not tags:
            return "no_links"
        found: dict[str, bytes] = {}
        for tag in tags:
            if tag not in self._cache:
                wrapped = self._store.subject_key(tag)
                if wrapped is None:
                    return "key_gone"
                try:
                    self._cache[tag] = self._keys.unwrap_subject_key(tag, wrapped)
                except UnreadableError:
                    return "key_altered"
            found[tag] = self._cache[tag]
        return found

    def _open(self, rec: StoredRecord, header: dict[str, Any]) -> bytes | Defect:
        assert rec.payload is not None
        keys = self._subject_keys(rec.seq)
        if isinstance(keys, str):
            return keys
        uid = str(header.get("uid", ""))
        try:
            return self._keys.open_payload(rec.payload, self._keys.data_key(keys, uid), uid)
        except UnreadableError:
            return "undecryptable"

    def check(self, rec: StoredRecord, header: dict[str, Any]) -> Defect | None:
        """Why the present payload of ``rec`` does not open, or None when it does."""
        opened = self._open(rec, header)
        return opened if isinstance(opened, str) else None

    def view(self, rec: StoredRecord) -> AuditView:
        if rec.header is None:
            return AuditView(rec.seq, rec.entry_hash, "purged", None, None)
        header: dict[str, Any] = json.loads(rec.header)
        if rec.payload is None:
            return AuditView(rec.seq, rec.entry_hash, "shredded", header, None)
        opened = self._open(rec, header)
        if opened in ("no_links", "key_gone"):
            return AuditView(rec.seq, rec.entry_hash, "shredded", header, None)
        if isinstance(opened, str):
            return AuditView(rec.seq, rec.entry_hash, "unreadable", header, None)
        return AuditView(rec.seq, rec.entry_hash, "readable", header, json.loads(opened))
