"""Verification of an audit store against its own chain and against signed checkpoints.

Checks, for every record in seq order: no seq is missing; ``entry_hash == chain_hash(previous entry_hash,
content_hash)``; the header hashes to ``content_hash``; the index columns agree with the header; a present payload
hashes to the header's ``payload_hash``; a missing payload is listed by a later ``audit.forget`` record; a skeleton
(purged record) is covered by a later ``audit.purge`` record. Then each checkpoint (signature by a trusted key,
origin) must match the stored entry hash at its size: a smaller log is a truncation, a different hash a rewrite of
the records since the last checkpoint that matched.

Limits: records appended after the newest checkpoint can be rewritten, truncated or forged consistently by someone
who can write the store (and read the signing key, for new checkpoints): checkpoints kept elsewhere bound that.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from audit.canonical import GENESIS_HASH, chain_hash, sha256_hex
from audit.checkpoint import Checkpoint, NoteVerifier, open_checkpoint
from audit.errors import CheckpointError
from audit.ports import AuditStore, RecordIndex, StoredRecord
from audit.views import Problem, VerifyReport

MAX_PROBLEMS = 100


@dataclass
class _Walk:
    problems: list[Problem]
    wanted: set[int]
    hashes: dict[int, str]
    purged_through: int = 0
    size: int = 0


def _check_header(rec: StoredRecord, walk: _Walk, explained: set[int], missing_payload: list[int]) -> None:
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
        missing_payload.append(rec.seq)
    elif sha256_hex(rec.payload) != header.get("payload_hash"):
        walk.problems.append(Problem(rec.seq, f"record {rec.seq}: encrypted payload altered or swapped"))
    extra = header.get("extra") or {}
    if header.get("operation") == "audit.purge":
        walk.purged_through = max(walk.purged_through, int(extra.get("purged_through", 0)))
    if header.get("operation") == "audit.forget":
        explained.update(int(s) for s in extra.get("shredded_seqs", ()))


def _walk_records(store: AuditStore, walk: _Walk) -> None:
    expected_seq, prev = 1, GENESIS_HASH
    explained: set[int] = set()
    missing_payload: list[int] = []
    skeletons: list[int] = []
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
            skeletons.append(rec.seq)
        else:
            try:
                _check_header(rec, walk, explained, missing_payload)
            except (ValueError, TypeError, AttributeError):
                walk.problems.append(Problem(rec.seq, f"record {rec.seq}: header is not a valid audit header"))
        if rec.seq in walk.wanted:
            walk.hashes[rec.seq] = rec.entry_hash
        prev, expected_seq = rec.entry_hash, rec.seq + 1
    walk.size = expected_seq - 1
    walk.problems.extend(
        Problem(s, f"record {s}: purged but no audit.purge record covers it") for s in skeletons
        if s > walk.purged_through
    )  # fmt: skip
    walk.problems.extend(
        Problem(s, f"record {s}: payload deleted but no audit.forget record lists it")
        for s in missing_payload
        if s not in explained
    )


def verify_store(
    store: AuditStore, origin: str, verifiers: list[NoteVerifier], notes: Iterable[tuple[str, str]]
) -> VerifyReport:
    """Verify ``store``; ``notes`` are ``(source, signed checkpoint text)`` pairs from the store and elsewhere."""
    problems: list[Problem] = []
    checkpoints: list[Checkpoint] = []
    for source, note in notes:
        try:
            checkpoints.append(open_checkpoint(note, verifiers, origin))
        except CheckpointError as exc:
            problems.append(Problem(None, f"checkpoint {source}: {exc}"))
    walk = _Walk(problems, {c.size for c in checkpoints}, {0: GENESIS_HASH})
    _walk_records(store, walk)
    last_good = 0
    bad_records = sorted({p.seq for p in problems if p.seq is not None})
    for cp in sorted(set(checkpoints), key=lambda c: c.size):
        if cp.size > walk.size:
            problems.append(
                Problem(
                    walk.size + 1,
                    f"log truncated: a checkpoint was signed for {cp.size} records, {walk.size} are present",
                )
            )
        elif walk.hashes.get(cp.size) != cp.head:
            # The chain may already name the record; else the whole span since the last good checkpoint is suspect.
            named = next((s for s in bad_records if last_good < s <= cp.size), last_good + 1)
            problems.append(
                Problem(
                    named,
                    f"records {last_good + 1}..{cp.size} differ from the signed checkpoint of size {cp.size} "
                    "(history rewritten)",
                )
            )
        else:
            last_good = cp.size
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
