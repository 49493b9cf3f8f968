"""The audit log: one hash-chained record per query, signed checkpoints, erasure and retention.

Usage (the composition root builds it: ``Container.audit``)::

    result = log.record(AuditEntry(operation="ask", role="store", ..., payload=AuditPayload(user_id=..., ...)))
    log.add_feedback(result.seq, rating=1, comment="...", user=...)
    report = log.verify()                # VerifyReport(ok, size, first_bad_seq, reason, ...)
    log.forget("<PERSON_0123456789abcdef>")  # payloads mentioning that subject become unreadable
    log.purge()                          # records older than the retention window become hash-only skeletons

Each record = a canonical-JSON header (non-personal, hashed into the chain) + a sealed payload (personal,
envelope-encrypted per subject, see :mod:`audit.crypto`). The header carries ``payload_hash`` = SHA-256 of the
sealed bytes, so the chain commits to the payload without holding any of it. Thread-safe; processes and hosts
share a log through the store.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from audit.canonical import canonical_json, sha256_hex
from audit.checkpoint import (
    Checkpoint,
    NoteSigner,
    NoteVerifier,
    read_checkpoints,
    sign_checkpoint,
    write_checkpoint,
)
from audit.crypto import AuditKeys
from audit.entry import SCHEMA_VERSION, AuditEntry, AuditPayload, subjects_of
from audit.errors import AuditConfigurationError, AuditError, AuditStoreError
from audit.payloads import DEFECTS, PayloadReader, check_keys
from audit.ports import (
    AuditStore,
    NewRecord,
    RecordFilter,
    RecordIndex,
    StoredRecord,
    SubjectKeyGoneError,
    SubjectLinksChangedError,
)
from audit.settings import AuditSettings
from audit.verify import verify_store
from audit.views import AppendResult, AuditFilters, AuditView, PurgeReport, VerifyReport, format_ts

logger = logging.getLogger(__name__)
SYSTEM_SUBJECT = "system"  # subject of records that carry no person (erasure and purge events)
EVENTS = ("audit.purge", "audit.forget")  # records that explain deletions: each is checkpointed as it is written
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class AuditLog:
    def __init__(
        self,
        store: AuditStore,
        keys: AuditKeys,
        signer: NoteSigner,
        clock: Clock = utc_now,
        settings: AuditSettings | None = None,
        trusted: list[NoteVerifier] | None = None,
    ) -> None:
        """``trusted``: keys whose checkpoint signatures verify accepts (default: ``settings.trusted_keys``,
        or this signer's own key when that is empty). Refuses a key-encryption key other than the log's
        (:class:`AuditConfigurationError`)."""
        check_keys(store, keys)
        self.store = store
        self.settings = settings or AuditSettings()
        self._keys = keys
        self._signer = signer
        self._clock = clock
        configured = [NoteVerifier.parse(k) for k in self.settings.trusted_keys]
        self.trusted = trusted or configured or [signer.verifier]

    def __repr__(self) -> str:
        return f"AuditLog(store={self.store!r}, origin={self.settings.origin!r})"

    @property
    def verifier_key(self) -> str:
        """This log's checkpoint verifier key (``name+hash+base64``): give it to whoever checks exported
        checkpoints."""
        return self._signer.verifier.text()

    # -- writing ---------------------------------------------------------------------------------------------
    def record(self, entry: AuditEntry) -> AppendResult:
        """Append one record. ``entry.payload`` must already be pseudonymized. Signs a checkpoint every
        ``settings.checkpoint_every`` records."""
        return self._append(entry, ())

    def _subject_key(self, tag: str) -> bytes:
        wrapped = self.store.subject_key(tag)
        if wrapped is None:
            _, fresh = self._keys.new_subject_key(tag)
            wrapped = self.store.put_subject_key(tag, fresh)
        return self._keys.unwrap_subject_key(tag, wrapped)

    def ensure_writable(self) -> None:
        """Return when the store can take a record now; else :class:`AuditStoreError` (ask before answering)."""
        self.store.writable()

    def _append(self, entry: AuditEntry, extra_tags: Iterable[str], signed: bool = False) -> AppendResult:
        """``signed``: the record and a signed checkpoint of it are stored in one transaction."""
        uid = secrets.token_hex(16)
        ts = format_ts(self._clock())
        header_fields = entry.header_fields()
        tags = sorted({*(self._keys.tag(s) for s in subjects_of(entry.payload)), *extra_tags})
        if not tags:
            tags = [self._keys.tag(SYSTEM_SUBJECT)]
        index = RecordIndex(ts, entry.operation, entry.role, entry.use_case, entry.refused)
        notes: list[str] = []

        def sign(size: int, head: str) -> str:
            notes.append(sign_checkpoint(self._signer, Checkpoint(self.settings.origin, size, head)))
            return notes[-1]

        for attempt in range(3):  # a purge or erasure may delete a subject key between fetching it and appending
            data_key = self._keys.data_key({t: self._subject_key(t) for t in tags}, uid)
            sealed = self._keys.seal_payload(canonical_json(entry.payload.to_json()), data_key, uid)
            header = canonical_json(
                {"v": SCHEMA_VERSION, "uid": uid, "ts": ts, "payload_hash": sha256_hex(sealed), **header_fields}
            )
            record = NewRecord(header, sha256_hex(header), index, sealed, tuple(tags))
            try:
                seq, entry_hash = self.store.append(record, sign if signed else None)
                break
            except SubjectKeyGoneError:
                if attempt == 2:
                    raise AuditStoreError(
                        "a subject key kept disappearing while a record was appended (purges or erasures running "
                        "in a loop?); retry when they are done"
                    ) from None
        every = self.settings.checkpoint_every
        if signed or (every and seq % every == 0):
            try:
                self._checkpoint(Checkpoint(self.settings.origin, seq, entry_hash), notes[-1] if signed else None)
            except (AuditError, OSError) as exc:
                logger.warning("audit checkpoint at size %d failed: %s", seq, type(exc).__name__)
        return AppendResult(seq, entry_hash)

    def add_feedback(self, seq: int, rating: int, comment: str | None = None, user: str | None = None) -> AppendResult:
        """Link feedback to record ``seq`` (a new ``feedback`` record; nothing is rewritten). The feedback is
        erased with the subjects of the record it is about, and with ``user`` and tokens in ``comment``."""
        if rating == 0 or not -1 <= rating <= 5:  # 0 is neither a thumb nor a star
            raise AuditConfigurationError(f"rating {rating} is out of range: use -1/+1 (thumbs) or 1..5 (stars)")
        if next(iter(self.store.records(seq, seq)), None) is None:
            raise AuditConfigurationError(
                f"there is no audit record {seq}: give the seq returned when the answer was recorded"
            )
        entry = AuditEntry(
            operation="feedback", ref_seq=seq, rating=rating, payload=AuditPayload(user_id=user, comment=comment)
        )
        return self._append(entry, self.store.tags(seq))

    def record_access(
        self, operation: str, reviewer: str, role: str, details: dict[str, Any] | None = None
    ) -> AppendResult:
        """Record a read of the audit trail itself (``audit.list``, ``audit.show``, ``audit.export``...)."""
        return self.record(
            AuditEntry(operation=operation, role=role, payload=AuditPayload(user_id=reviewer, details=details or {}))
        )

    # -- checkpoints -----------------------------------------------------------------------------------------
    def _checkpoint(self, checkpoint: Checkpoint, stored: str | None = None) -> str:
        """Sign, store and export ``checkpoint``; ``stored``: its note, already stored with its record."""
        note = stored or sign_checkpoint(self._signer, checkpoint)
        if stored is None:
            self.store.save_checkpoint(checkpoint.size, note)
        if self.settings.checkpoint_dir is not None:
            write_checkpoint(self.settings.checkpoint_dir, checkpoint.size, note)
        return note

    def checkpoint(self) -> str:
        """Sign the current head now; the note is stored and written to ``settings.checkpoint_dir``. Refused when
        the head is a purge or erasure record without its own checkpoint: signing would vouch for a forgery."""
        size, head = self.store.head()
        last = next(iter(self.store.records(size, size)), None)
        operation = last.index.operation if last is not None and last.index is not None else ""
        if operation in EVENTS and size not in {_size(n) for n in self.store.checkpoints()}:
            raise AuditStoreError(
                f"record {size} is an {operation} record without the checkpoint written with it: this application "
                "did not append it. Run 'assistant audit verify' and investigate before signing anything"
            )
        return self._checkpoint(Checkpoint(self.settings.origin, size, head))

    def export_checkpoints(self, folder: Path) -> int:
        """Write every stored checkpoint to ``folder`` (existing identical files are kept); returns how many."""
        notes = self.store.checkpoints()
        for note in notes:
            write_checkpoint(folder, _size(note), note)
        return len(notes)

    # -- reading ---------------------------------------------------------------------------------------------
    def _view(self, rec: StoredRecord) -> AuditView:
        return PayloadReader(self.store, self._keys).view(rec)

    def get(self, seq: int) -> AuditView | None:
        rec = next(iter(self.store.records(seq, seq)), None)
        return None if rec is None else self._view(rec)

    def query(self, filters: AuditFilters | None = None) -> Iterator[AuditView]:
        """Records matching ``filters`` in seq order (purged skeletons left out), decrypted when readable."""
        f = filters or AuditFilters()
        where = RecordFilter(
            since=format_ts(f.since) if f.since else None,
            until=format_ts(f.until) if f.until else None,
            operation=f.operation,
            role=f.role,
            use_case=f.use_case,
            refused=f.refused,
            tag=None if f.user is None else self._keys.tag(f.user),
        )
        shown = 0
        for rec in self.store.records(where=where):
            if f.limit is not None and shown >= f.limit:
                return
            if rec.header is None:
                continue
            view = self._view(rec)
            if f.document is not None and not _mentions_document(view.header or {}, f.document):
                continue
            shown += 1
            yield view

    # -- verification, erasure, retention ---------------------------------------------------------------------
    def verify(self, checkpoints: Iterable[str | Path] = ()) -> VerifyReport:
        """Check the chain, the stored checkpoints, those in ``settings.checkpoint_dir`` and ``checkpoints``
        (note texts, files or folders of files)."""
        notes = [(f"stored #{i + 1}", n) for i, n in enumerate(self.store.checkpoints())]
        sources: list[str | Path] = list(checkpoints)
        if self.settings.checkpoint_dir is not None and self.settings.checkpoint_dir.is_dir():
            sources.append(self.settings.checkpoint_dir)
        notes.extend(read_checkpoints(sources))
        reader = PayloadReader(self.store, self._keys)
        return verify_store(self.store, self.settings.origin, self.trusted, notes, reader.check, DEFECTS)

    def forget(self, subject: str, requested_by: str | None = None, role: str | None = None) -> int:
        """Crypto-shred every payload linked to ``subject`` (a pseudonymous user id or a pseudonym token): its key,
        the wrapped data keys and sealed payloads of its records are deleted; an ``audit.forget`` record lists the
        seqs (never the subject) and who asked (``requested_by``, encrypted), with its signed checkpoint. Returns how
        many payloads became unreadable. The chain still verifies; run again after a crash, it finishes the work."""
        tag = self._keys.tag(subject)
        asker = requested_by if requested_by and self._keys.tag(requested_by) != tag else None  # not forgetting oneself
        for attempt in range(3):  # a record about the subject may be appended between listing and shredding
            seqs = self.store.seqs_for_tag(tag)
            extra = {"shredded_seqs": seqs}
            entry = AuditEntry(operation="audit.forget", role=role, extra=extra, payload=AuditPayload(user_id=asker))
            self._append(entry, (), signed=True)
            try:
                shredded = self.store.shred(tag, seqs)
                break
            except SubjectLinksChangedError:
                if attempt == 2:
                    raise AuditStoreError(
                        "records about the subject kept being appended during the erasure: run it again"
                    ) from None
        self.store.scrub()
        return len(shredded)

    def purge(self, dry_run: bool = False, requested_by: str | None = None, role: str | None = None) -> PurgeReport:
        """Turn records older than ``settings.retention_days`` into hash-only skeletons (the oldest contiguous run:
        a record newer than the cutoff stops it). An ``audit.purge`` record and its signed checkpoint are stored
        first, together: a purge cut short is finished by the next one. The chain and old checkpoints still verify."""
        cutoff = format_ts(self._clock() - timedelta(days=self.settings.retention_days))
        first_kept = self.store.first_seq_since(cutoff)
        through = first_kept - 1 if first_kept is not None else self.store.head()[0]
        due = sum(1 for r in self.store.records(1, through) if r.header is not None) if through > 0 else 0
        if dry_run or due == 0:
            return PurgeReport(cutoff, through, due, dry_run, None)
        extra = {"purged_through": through, "cutoff": cutoff}
        entry = AuditEntry(operation="audit.purge", role=role, extra=extra, payload=AuditPayload(user_id=requested_by))
        event = self._append(entry, (), signed=True)
        purged = self.store.purge(through)
        self.store.scrub()
        return PurgeReport(cutoff, through, purged, False, event.seq)

    def close(self) -> None:
        self.store.close()


def _size(note: str) -> int:
    return Checkpoint.parse(note.partition("\n\n")[0] + "\n").size


def _mentions_document(header: dict[str, Any], doc_id: str) -> bool:
    return any(r.get("doc_id") == doc_id for r in header.get("retrieved") or [])
