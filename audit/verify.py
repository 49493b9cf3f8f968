"""Verification of an audit store against its own chain, its keys and signed checkpoints.

Checks, for every record in seq order: no seq is missing; ``entry_hash == chain_hash(previous entry_hash,
content_hash)``; the header hashes to ``content_hash``; the index columns agree with the header; a present payload
hashes to the header's ``payload_hash`` and opens with the subject keys the store holds (a deleted subject-key or
link row, a swapped key, an undecryptable payload are named); a missing payload is listed by an ``audit.forget``
record; a skeleton (purged record) is covered by an ``audit.purge`` record. Then each checkpoint (signature by a
trusted key, origin) must match the stored entry hash at its size: a smaller log is a truncation, a different hash a
rewrite of the records since the last checkpoint that matched.

``audit.purge`` and ``audit.forget`` records explain deletions only when a trusted checkpoint of exactly their size
matches the log: the log stores that checkpoint in the same transaction as each of them, so one appended by someone
who can write the store but does not hold the signing key explains nothing (and is named), even once later
checkpoints cover it. A purge's cutoff must also be older than its own time, and it purges records before its own.

Limits: records appended after the newest checkpoint can be rewritten, truncated or forged consistently by someone
who can write the store (and read the signing key, for new checkpoints): checkpoints kept elsewhere bound that.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from audit.canonical import GENESIS_HASH, chain_hash, sha256_hex
from audit.checkpoint import Checkpoint, NoteVerifier, open_checkpoint
from audit.errors import CheckpointError
from audit.ports import AuditStore, RecordIndex, StoredRecord
from audit.views import Problem, VerifyReport

MAX_PROBLEMS = 100
PayloadCheck = Callable[[StoredRecord, dict[str, Any]], str | None]  # why a present payload does not open, or None
KEY_GONE = "key_gone"  # the one defect an erasure listing the record explains


@dataclass
class _Event:
    """An ``audit.purge`` or ``audit.forget`` record: what it explains, once a checkpoint covers it."""

    seq: int
    operation: str
    purged_through: int = 0
    shredded: set[int] = field(default_factory=set)
    invalid: str = ""  # why it explains nothing even when covered


@dataclass
class _Walk:
    problems: list[Problem]
    wanted: set[int]
    hashes: dict[int, str]
    size: int = 0
    events: list[_Event] = field(default_factory=list)
    skeletons: list[int] = field(default_factory=list)
    missing_payload: list[int] = field(default_factory=list)
    defects: list[tuple[int, str]] = field(default_factory=list)  # (seq, defect) of present payloads


def _event(rec: StoredRecord, header: dict[str, Any]) -> _Event | None:
    operation = header.get("operation")
    extra = header.get("extra") or {}
    if operation == "audit.purge":
        through, cutoff = int(extra.get("purged_through", 0)), str(extra.get("cutoff", ""))
        invalid = ""
        if not cutoff or cutoff >= str(header.get("ts", "")):
            invalid = f"record {rec.seq}: audit.purge with a cutoff ({cutoff or 'none'}) not older than its own time"
        elif through >= rec.seq:
            invalid = f"record {rec.seq}: audit.purge claims records up to {through}, not all before it"
        return _Event(rec.seq, "audit.purge", purged_through=through, invalid=invalid)
    if operation == "audit.forget":
        return _Event(rec.seq, "audit.forget", shredded={int(s) for s in extra.get("shredded_seqs", ())})
    return None


def _check_header(rec: StoredRecord, walk: _Walk, payloads: PayloadCheck | None) -> None:
    assert rec.header is not None
    if sha256_hex(rec.header) != rec.content_hash:
        walk.problems.append(Problem(rec.seq, f"record {rec.seq}: header does not match its content hash (edited)"))
        return
    header: dict[str, Any] = json.loads(rec.header)
    expected = RecordIndex(
        header.get("ts", ""), header.get("operation", ""), header.get("role"), header.get("use_case"),
        bool(header.get("refused")),
    )  # fmt: skip
    if rec.index != expected:
        walk.problems.append(Problem(rec.seq, f"record {rec.seq}: index columns differ from its header (edited)"))
    if rec.payload is None:
        walk.missing_payload.append(rec.seq)
    elif sha256_hex(rec.payload) != header.get("payload_hash"):
        walk.problems.append(Problem(rec.seq, f"record {rec.seq}: encrypted payload altered or swapped"))
    elif payloads is not None and (defect := payloads(rec, header)) is not None:
        walk.defects.append((rec.seq, defect))
    event = _event(rec, header)
    if event is not None:
        walk.events.append(event)


def _walk_records(store: AuditStore, walk: _Walk, payloads: PayloadCheck | None) -> None:
    expected_seq, prev = 1, GENESIS_HASH
    for rec in store.records():
        if rec.seq != expected_seq:
            walk.problems.append(Problem(expected_seq, f"records {expected_seq}..{rec.seq - 1} are missing (deleted)"))
        if chain_hash(prev, rec.content_hash) != rec.entry_hash:
            walk.problems.append(
                Problem(
                    rec.seq,
                    f"record {rec.seq}: entry hash does not chain from record {rec.seq - 1} "
                    "(record edited, reordered or removed)",
                )
            )
        if rec.header is None:
            walk.skeletons.append(rec.seq)
        else:
            try:
                _check_header(rec, walk, payloads)
            except (ValueError, TypeError, AttributeError):
                walk.problems.append(Problem(rec.seq, f"record {rec.seq}: header is not a valid audit header"))
        if rec.seq in walk.wanted:
            walk.hashes[rec.seq] = rec.entry_hash
        prev, expected_seq = rec.entry_hash, rec.seq + 1
    walk.size = expected_seq - 1


def _check_checkpoints(walk: _Walk, checkpoints: list[Checkpoint]) -> set[int]:
    """Problems for checkpoints the log does not match; returns the sizes of those it matches."""
    last_good, good = 0, set()
    bad_records = sorted({p.seq for p in walk.problems if p.seq is not None})
    for cp in sorted(set(checkpoints), key=lambda c: c.size):
        if cp.size > walk.size:
            walk.problems.append(
                Problem(
                    walk.size + 1,
                    f"log truncated: a checkpoint was signed for {cp.size} records, {walk.size} are present",
                )
            )
        elif walk.hashes.get(cp.size) != cp.head:
            # The chain may already name the record; else the whole span since the last good checkpoint is suspect.
            named = next((s for s in bad_records if last_good < s <= cp.size), last_good + 1)
            walk.problems.append(
                Problem(
                    named,
                    f"records {last_good + 1}..{cp.size} differ from the signed checkpoint of size {cp.size} "
                    "(history rewritten)",
                )
            )
        else:
            last_good = cp.size
            good.add(cp.size)
    return good


def _check_deletions(walk: _Walk, signed_sizes: set[int], defects: dict[str, str]) -> None:
    """Skeletons, missing payloads and unopenable payloads must be explained by signed, valid events."""
    purged_through, shredded = 0, set()
    for event in walk.events:
        if event.seq not in signed_sizes:
            walk.problems.append(
                Problem(
                    event.seq,
                    f"record {event.seq}: {event.operation} without its own signed checkpoint (each purge and "
                    "erasure is checkpointed as it is written: appended without the signing key, or the checkpoint "
                    "was deleted: verify with --checkpoints from the copies kept elsewhere)",
                )
            )
        elif event.invalid:
            walk.problems.append(Problem(event.seq, event.invalid))
        else:
            purged_through = max(purged_through, event.purged_through)
            shredded |= event.shredded
    walk.problems.extend(
        Problem(s, f"record {s}: purged but no audit.purge record covers it")
        for s in walk.skeletons
        if s > purged_through
    )
    walk.problems.extend(
        Problem(s, f"record {s}: payload deleted but no audit.forget record lists it")
        for s in walk.missing_payload
        if s not in shredded
    )
    walk.problems.extend(
        Problem(s, f"record {s}: {defects.get(defect, defect)}")
        for s, defect in walk.defects
        if not (defect == KEY_GONE and s in shredded)
    )


def verify_store(
    store: AuditStore,
    origin: str,
    verifiers: list[NoteVerifier],
    notes: Iterable[tuple[str, str]],
    payloads: PayloadCheck | None = None,
    defects: dict[str, str] | None = None,
) -> VerifyReport:
    """Verify ``store``; ``notes`` are ``(source, signed checkpoint text)`` pairs from the store and elsewhere;
    ``payloads`` opens each present payload (``defects`` words what it reports)."""
    problems: list[Problem] = []
    checkpoints: list[Checkpoint] = []
    for source, note in notes:
        try:
            checkpoints.append(open_checkpoint(note, verifiers, origin))
        except CheckpointError as exc:
            problems.append(Problem(None, f"checkpoint {source}: {exc}"))
    walk = _Walk(problems, {c.size for c in checkpoints}, {0: GENESIS_HASH})
    _walk_records(store, walk, payloads)
    signed_sizes = _check_checkpoints(walk, checkpoints)
    _check_deletions(walk, signed_sizes, defects or {})
    with_seq = [p for p in problems if p.seq is not None]
    first = min(with_seq, key=lambda p: p.seq or 0) if with_seq else (problems[0] if problems else None)
    return VerifyReport(
        ok=not problems,
        size=walk.size,
        first_bad_seq=first.seq if first else None,
        reason=first.reason if first else None,
        checkpoints_checked=len(checkpoints),
        problems=problems[:MAX_PROBLEMS],
    )
