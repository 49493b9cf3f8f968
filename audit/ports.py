"""The port of the audit log: :class:`AuditStore`, where records, wrapped keys and checkpoints live.

Adapters: :class:`audit.sqlite_store.SqliteAuditStore` (default) and
:class:`audit.postgres_store.PostgresAuditStore`; both pass ``tests/contracts/audit_store.py``.
The store knows nothing of encryption or signatures: it keeps bytes, appends under the chain rule
(:func:`audit.canonical.chain_hash`) and deletes what it is told to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class RecordIndex:
    """Columns copied from the header so the store can filter without parsing it (verify checks they agree)."""

    ts: str  # UTC, "YYYY-MM-DDTHH:MM:SS.ffffffZ": sorts as text
    operation: str
    role: str | None
    use_case: str | None
    refused: bool


@dataclass(frozen=True)
class NewRecord:
    header: bytes  # canonical JSON
    content_hash: str  # SHA-256 hex of ``header``
    index: RecordIndex
    payload: bytes  # sealed personal payload
    tags: tuple[str, ...] = ()  # the record's subjects (tags), linked so erasure and user filters find it


@dataclass(frozen=True)
class StoredRecord:
    """A record as stored. ``header``/``index`` are None once purged (a skeleton: seq and hashes only);
    ``payload`` is None once shredded or purged."""

    seq: int
    content_hash: str
    entry_hash: str
    header: bytes | None
    index: RecordIndex | None
    payload: bytes | None


@dataclass(frozen=True)
class RecordFilter:
    """Store-side filters (all optional, combined with AND). ``tag``: only records linked to that subject tag."""

    since: str | None = None  # ts >= since
    until: str | None = None  # ts < until
    operation: str | None = None
    role: str | None = None
    use_case: str | None = None
    refused: bool | None = None
    tag: str | None = None


class SubjectKeyGoneError(Exception):
    """``append``: a tag's subject key was deleted (purge, erasure) after the caller fetched it; fetch and retry."""


class SubjectLinksChangedError(Exception):
    """``shred``: a record linked to the tag was appended after the caller listed the tag's records; list and retry."""


Sign = Callable[[int, str], str]  # (size, entry hash of record ``size``) -> a signed checkpoint note


@runtime_checkable
class AuditStore(Protocol):
    """Append-only, hash-chained storage of audit records. Contract (``tests/contracts/audit_store.py``):

    - ``append`` is atomic and serialised across threads, processes and (postgres) hosts: it reads the head
      ``(seq, entry_hash)`` (``(0, GENESIS_HASH)`` when empty), stores the record as ``seq + 1`` with
      ``entry_hash = chain_hash(head hash, record.content_hash)`` and its tag links, in one transaction, and
      returns ``(seq, entry_hash)``. N concurrent appends give seqs 1..N, no gap, no duplicate. It raises
      :class:`SubjectKeyGoneError` (storing nothing) when the subject key of one of its tags is no longer stored: a
      purge or an erasure deleted it after the caller fetched it, and the payload would be unreadable from birth.
      With ``sign``, the checkpoint ``sign(seq, entry_hash)`` of the new record is stored in the same transaction:
      the record and the signed checkpoint covering it are committed together, or neither is.
    - ``records`` yields stored records by ascending seq, skeletons included when no filter is given (they match
      none); it reads committed data only and never decrypts.
    - ``subject_key``/``put_subject_key``: one wrapped key per tag; ``put_subject_key`` keeps the first one
      stored and returns whichever is stored (concurrent callers all get the same key).
    - ``tags(seq)`` are the tags linked to a record (sorted); ``seqs_for_tag`` the records linked to a tag.
    - ``shred(tag, seqs)`` deletes, in one transaction, the tag's subject key and, for each seq, the sealed
      payload and every link; it returns the seqs whose payload it removed. It raises
      :class:`SubjectLinksChangedError` (deleting nothing) when a record outside ``seqs`` is linked to the tag.
    - ``purge(through_seq)`` turns records 1..through_seq into skeletons (header, index columns, payload and
      links deleted; seq, content_hash, entry_hash kept) and deletes subject keys no link uses any more;
      returns how many records it turned into skeletons.
    - ``meta(name)``/``put_meta(name, value)``: small named values (the key check value); ``put_meta`` keeps the
      first value stored and returns whichever is stored.
    - ``writable()`` returns when the store can take a write now (it takes and releases the write lock), else
      raises :class:`audit.errors.AuditStoreError` naming the store and the fix.
    - ``scrub`` makes a best effort to remove freed bytes from disk (overwrite, checkpoint WAL, vacuum).
    - nothing ever updates a header or a hash; checkpoints are kept as given (``save_checkpoint`` ignores a size
      already saved).
    """

    def append(self, record: NewRecord, sign: Sign | None = None) -> tuple[int, str]: ...

    def head(self) -> tuple[int, str]: ...

    def records(
        self, start: int = 1, stop: int | None = None, where: RecordFilter | None = None
    ) -> Iterator[StoredRecord]: ...

    def tags(self, seq: int) -> list[str]: ...

    def seqs_for_tag(self, tag: str) -> list[int]: ...

    def first_seq_since(self, ts: str) -> int | None:
        """The lowest seq of a non-purged record with ``ts >= ts``; None if there is none."""
        ...

    def subject_key(self, tag: str) -> bytes | None: ...

    def put_subject_key(self, tag: str, wrapped: bytes) -> bytes: ...

    def shred(self, tag: str, seqs: list[int]) -> list[int]: ...

    def purge(self, through_seq: int) -> int: ...

    def save_checkpoint(self, size: int, note: str) -> None: ...

    def checkpoints(self) -> list[str]: ...

    def meta(self, name: str) -> str | None: ...

    def put_meta(self, name: str, value: str) -> str: ...

    def writable(self) -> None: ...

    def scrub(self) -> None: ...

    def close(self) -> None: ...
