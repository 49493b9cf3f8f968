"""Helpers of the audit contract suite: fixed keys, a controllable clock, sample entries, process workers, and
the table of tampering cases (each with the record verify must name, and words of the reason it must give).

The log the table tampers with: records 1..6 asked by ``user-1`` (record 3 also mentions ``PERSON``), a checkpoint
after record 2 and one after record 6. The tamperer can write the store but holds neither key."""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from audit.canonical import canonical_json, chain_hash, sha256_hex
from audit.checkpoint import Checkpoint, NoteSigner, sign_checkpoint
from audit.crypto import AuditKeys
from audit.entry import AuditEntry, AuditPayload, RetrievedChunk
from audit.log import AuditLog
from audit.ports import AuditStore, StoredRecord
from audit.settings import AuditSettings
from privacy.keys import Secret

Raw = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]
ORIGIN = "retail-assistant/audit"
KEYS = AuditKeys(Secret(b"K" * 32))
SIGNER = NoteSigner(ORIGIN, b"S" * 32)
PERSON = "<PERSON_0123456789abcdef>"
OTHER_PERSON = "<PERSON_fedcba9876543210>"
T0 = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


def make_log(store: AuditStore, clock: Callable[[], datetime] | None = None, **settings: Any) -> AuditLog:
    return AuditLog(store, KEYS, SIGNER, clock or Clock(), AuditSettings(**{"checkpoint_every": 0, **settings}))


def ask(i: int, user: str = "user-1", mention: str = "", **header: Any) -> AuditEntry:
    return AuditEntry(
        operation="ask",
        role=header.pop("role", "store"),
        use_case=header.pop("use_case", "returns"),
        retrieved=(RetrievedChunk(f"chunk-{i}", header.pop("doc", "doc-a"), 0.5 + i / 100),),
        model="qwen2.5-coder-1.5b-instruct-q4_k_m",
        latency_ms={"retrieve": 12.5, "total": 40.0},
        tokens={"prompt": 100, "completion": 20},
        payload=AuditPayload(user_id=user, question=f"question {i} {mention}".strip(), answer=f"answer {i}"),
        **header,
    )


def append_many(backend: str, target: str, n: int, start: Any = None, results: Any = None) -> list[int]:
    """Worker for process-based concurrency tests: its own store instance, ``n`` appends once every worker is
    ready (``start``: a multiprocessing Barrier); the seqs go to ``results`` (a multiprocessing Queue) too."""
    if backend == "sqlite":
        from audit.sqlite_store import SqliteAuditStore

        store: AuditStore = SqliteAuditStore(Path(target))
    else:
        from audit.postgres_store import PostgresAuditStore

        store = PostgresAuditStore(target)
    log = make_log(store)
    try:
        if start is not None:
            start.wait()
        seqs = [log.record(ask(i, user=f"user-{i % 3}")).seq for i in range(n)]
    finally:
        log.close()
    if results is not None:
        results.put(seqs)
    return seqs


def append_from_processes(backend: str, target: str, processes: int = 5, each: int = 10) -> list[int]:
    """``processes`` spawned workers released together, ``each`` appends each; every seq they got."""
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(processes), ctx.Queue()
    workers = [ctx.Process(target=append_many, args=(backend, target, each, start, results)) for _ in range(processes)]
    for w in workers:
        w.start()
    seqs = [s for _ in workers for s in results.get(timeout=300)]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    return seqs


def _update(raw: Raw, seq: int, rec: StoredRecord) -> None:
    index = rec.index
    raw(
        "UPDATE audit_records SET header = ?, content_hash = ?, entry_hash = ?, payload = ?, ts = ?, operation = ?, "
        "role = ?, use_case = ?, refused = ? WHERE seq = ?",
        [rec.header, rec.content_hash, rec.entry_hash, rec.payload, index.ts if index else None,
         index.operation if index else None, index.role if index else None, index.use_case if index else None,
         index.refused if index else None, seq],
    )  # fmt: skip


def _edited(rec: StoredRecord, prev_entry: str) -> StoredRecord:
    assert rec.header is not None
    header = json.loads(rec.header)
    header["model"] = "another-model"
    body = canonical_json(header)
    content = sha256_hex(body)
    return StoredRecord(rec.seq, content, chain_hash(prev_entry, content), body, rec.index, rec.payload)


def _rewrite_from_3(raw: Raw, recs: dict[int, StoredRecord]) -> None:
    prev = recs[2].entry_hash
    for seq in range(3, 7):
        new = _edited(recs[seq], prev) if seq == 3 else recs[seq]
        new = StoredRecord(
            seq, new.content_hash, chain_hash(prev, new.content_hash), new.header, new.index, new.payload
        )
        _update(raw, seq, new)
        prev = new.entry_hash


def _swap_2_and_4(raw: Raw, recs: dict[int, StoredRecord]) -> None:
    _update(raw, 2, recs[4])
    _update(raw, 4, recs[2])


def _flip(data: bytes | None) -> bytes:
    assert data is not None
    return data[:-1] + bytes([data[-1] ^ 1])


def forge(raw: Raw, recs: dict[int, StoredRecord], operation: str, extra: dict[str, Any], **header: Any) -> int:
    """Append a record with a valid chain hash and no payload key (all the tamperer can make); returns its seq."""
    seq = max(recs) + 1
    ts = header.pop("ts", "2025-01-01T10:00:00.000000Z")
    fields = AuditEntry(operation=operation, role="compliance", extra=extra).header_fields()
    body = canonical_json({"v": 1, "uid": "f" * 32, "ts": ts, "payload_hash": sha256_hex(b"sealed"), **fields})
    content = sha256_hex(body)
    raw(
        "INSERT INTO audit_records (seq, content_hash, entry_hash, header, ts, operation, role, use_case, refused, "
        "payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [seq, content, chain_hash(recs[seq - 1].entry_hash, content), body, ts, operation, "compliance", None, False,
         b"sealed"],
    )  # fmt: skip
    return seq


def _blank(raw: Raw, recs: dict[int, StoredRecord], seqs: range) -> None:
    for seq in seqs:
        _update(raw, seq, StoredRecord(seq, recs[seq].content_hash, recs[seq].entry_hash, None, None, None))


def _forged_purge(through: int, blank: range) -> Callable[[Raw, dict[int, StoredRecord]], None]:
    def tamper(raw: Raw, recs: dict[int, StoredRecord]) -> None:
        forge(raw, recs, "audit.purge", {"purged_through": through, "cutoff": "2024-07-01T09:00:00.000000Z"})
        _blank(raw, recs, blank)

    return tamper


def _forged_erasure(raw: Raw, recs: dict[int, StoredRecord]) -> None:
    forge(raw, recs, "audit.forget", {"shredded_seqs": [3, 4]})
    raw("UPDATE audit_records SET payload = NULL WHERE seq IN (3, 4)", [])
    raw("DELETE FROM audit_links WHERE seq IN (3, 4)", [])


def _signed_purge_of_the_future(raw: Raw, recs: dict[int, StoredRecord]) -> None:
    """Even signed (a leaked signing key, a bug), a purge whose cutoff is not before its own time explains nothing."""
    ts = "2025-01-01T10:00:00.000000Z"
    seq = forge(raw, recs, "audit.purge", {"purged_through": 6, "cutoff": ts}, ts=ts)
    head = raw("SELECT entry_hash FROM audit_records WHERE seq = ?", [seq])[0][0]
    note = sign_checkpoint(SIGNER, Checkpoint(ORIGIN, seq, head))
    raw("INSERT INTO audit_checkpoints (size, note, created_at) VALUES (?, ?, CURRENT_TIMESTAMP)", [seq, note])
    _blank(raw, recs, range(1, 7))


def _swap_subject_keys(raw: Raw, recs: dict[int, StoredRecord]) -> None:
    wrapped = raw("SELECT wrapped FROM audit_subject_keys WHERE tag = ?", [KEYS.tag("user-1")])[0][0]
    raw("UPDATE audit_subject_keys SET wrapped = ? WHERE tag = ?", [wrapped, KEYS.tag(PERSON)])


TAMPERING: dict[str, tuple[Callable[[Raw, dict[int, StoredRecord]], Any], int, str]] = {
    "edit a header field": (
        lambda raw, r: raw(
            "UPDATE audit_records SET header = ? WHERE seq = 3", [_edited(r[3], r[2].entry_hash).header]
        ),
        3,
        "content hash",
    ),
    "edit a field and rehash that record": (
        lambda raw, r: _update(raw, 3, _edited(r[3], r[2].entry_hash)),
        4,
        "does not chain",
    ),
    "edit an index column": (
        lambda raw, r: raw("UPDATE audit_records SET role = 'hq' WHERE seq = 3", []),
        3,
        "index columns",
    ),
    "edit the sealed payload": (
        lambda raw, r: raw("UPDATE audit_records SET payload = ? WHERE seq = 3", [_flip(r[3].payload)]),
        3,
        "payload altered",
    ),
    "delete a record": (lambda raw, r: raw("DELETE FROM audit_records WHERE seq = 3", []), 3, "missing"),
    "delete a record and renumber": (
        lambda raw, r: (
            raw("DELETE FROM audit_records WHERE seq = 3", []),
            [raw("UPDATE audit_records SET seq = ? WHERE seq = ?", [s - 1, s]) for s in (4, 5, 6)],
        ),
        3,
        "",
    ),
    "swap two records": (_swap_2_and_4, 2, ""),
    "truncate the tail": (lambda raw, r: raw("DELETE FROM audit_records WHERE seq >= 5", []), 5, "truncated"),
    "purge without a purge record": (lambda raw, r: _blank(raw, r, range(2, 3)), 2, "no audit.purge"),
    "delete a payload without an erasure record": (
        lambda raw, r: raw("UPDATE audit_records SET payload = NULL WHERE seq = 3", []),
        3,
        "no audit.forget",
    ),
    "rewrite the tail consistently": (_rewrite_from_3, 3, "differ from the signed checkpoint"),
    "forge a purge record, then blank the records before it": (
        _forged_purge(6, range(1, 7)),
        1,
        "audit.purge without its own signed checkpoint",
    ),
    "forge a purge record, then blank recent records": (
        _forged_purge(6, range(5, 7)),
        5,
        "audit.purge without its own signed checkpoint",
    ),
    "forge an erasure record, then delete payloads and links": (
        _forged_erasure,
        3,
        "audit.forget without its own signed checkpoint",
    ),
    "a signed purge whose cutoff is not older than its own time": (
        _signed_purge_of_the_future,
        1,
        "not older than its own time",
    ),
    "delete a subject-key row": (
        lambda raw, r: raw("DELETE FROM audit_subject_keys WHERE tag = ?", [KEYS.tag("user-1")]),
        1,
        "subject key it needs was deleted",
    ),
    "delete one of a record's link rows": (
        lambda raw, r: raw("DELETE FROM audit_links WHERE seq = 3 AND tag = ?", [KEYS.tag(PERSON)]),
        3,
        "does not decrypt",
    ),
    "delete all of a record's link rows": (
        lambda raw, r: raw("DELETE FROM audit_links WHERE seq = 4", []),
        4,
        "links were deleted",
    ),
    "swap two wrapped subject keys": (_swap_subject_keys, 3, "does not open (altered or swapped)"),
}
