"""Contract suite every AuditStore adapter passes, through the real AuditLog (subclass it; provide the fixtures
``store`` (a fresh, empty store), ``another`` (a factory of more instances on the same log), ``raw`` (run SQL with
``?`` marks on the store's database, bypassing the adapter: the tamperer) and ``disk_bytes`` (every byte the
backend has on disk, for "no plaintext anywhere" checks)."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from audit.canonical import GENESIS_HASH, chain_hash, sha256_hex
from audit.checkpoint import NoteSigner
from audit.crypto import AuditKeys, UnreadableError
from audit.entry import AuditEntry, AuditPayload
from audit.errors import AuditConfigurationError, AuditStoreError
from audit.log import AuditLog
from audit.ports import AuditStore, NewRecord, RecordIndex, SubjectKeyGoneError
from audit.views import AuditFilters
from privacy.keys import Secret
from tests.contracts.audit_support import (
    KEYS,
    ORIGIN,
    OTHER_PERSON,
    PERSON,
    SIGNER,
    TAMPERING,
    Clock,
    Raw,
    ask,
    forge,
    make_log,
)


class AuditStoreContract:
    physical_erasure = True  # deleted bytes are overwritten on disk (SQLite secure_delete + WAL truncation)

    @pytest.fixture
    def store(self) -> Iterator[AuditStore]:
        raise NotImplementedError

    @pytest.fixture
    def another(self) -> Callable[[], AuditStore]:
        raise NotImplementedError

    @pytest.fixture
    def raw(self) -> Raw:
        raise NotImplementedError

    @pytest.fixture
    def disk_bytes(self) -> Callable[[], bytes]:
        raise NotImplementedError

    @pytest.fixture
    def clock(self) -> Clock:
        return Clock()

    @pytest.fixture
    def log(self, store: AuditStore, clock: Clock) -> AuditLog:
        return make_log(store, clock)

    def test_empty_log_verifies(self, log: AuditLog, store: AuditStore) -> None:
        assert store.head() == (0, GENESIS_HASH)
        assert list(store.records()) == []
        report = log.verify()
        assert (report.ok, report.size, report.first_bad_seq) == (True, 0, None)

    def test_appends_chain_and_round_trip(self, log: AuditLog, store: AuditStore) -> None:
        results = [log.record(ask(i)) for i in range(3)]
        assert [r.seq for r in results] == [1, 2, 3]
        prev = GENESIS_HASH
        for rec in store.records():
            assert rec.header is not None
            assert rec.content_hash == sha256_hex(rec.header)
            assert rec.entry_hash == chain_hash(prev, rec.content_hash)
            prev = rec.entry_hash
        assert store.head() == (3, results[-1].entry_hash)
        view = log.get(2)
        assert view is not None and view.state == "readable" and view.header is not None
        assert view.payload == ask(1).payload.to_json()
        assert view.header["retrieved"] == [{"chunk_id": "chunk-1", "doc_id": "doc-a", "score": 0.51}]
        assert view.header["payload_hash"] == sha256_hex(next(iter(store.records(2, 2))).payload or b"")
        assert log.verify().ok

    def test_query_filters(self, log: AuditLog, clock: Clock) -> None:
        log.record(ask(0, user="alice", role="store"))
        middle = clock.now + timedelta(microseconds=500)  # between record 1 and record 2
        log.record(ask(1, user="bob", role="hq", use_case="pricing", doc="doc-b"))
        log.record(ask(2, user="alice", role="store", refused=True))

        def seqs(**filters: Any) -> list[int]:
            return [v.seq for v in log.query(AuditFilters(**filters))]

        assert seqs() == [1, 2, 3]
        assert seqs(user="alice") == [1, 3]
        assert seqs(role="hq") == [2]
        assert seqs(use_case="pricing") == [2]
        assert seqs(refused=True) == [3]
        assert seqs(refused=False) == [1, 2]
        assert seqs(document="doc-b") == [2]
        assert seqs(since=middle) == [2, 3]
        assert seqs(until=middle) == [1]
        assert seqs(limit=2) == [1, 2]
        assert seqs(user="nobody") == []

    def test_50_concurrent_appends_from_threads(self, log: AuditLog, store: AuditStore) -> None:
        self._concurrently(lambda i: log.record(ask(i, user=f"user-{i % 7}")).seq, 50)
        self._assert_exactly(store, log, 50)

    def test_50_concurrent_appends_from_5_instances(
        self, log: AuditLog, store: AuditStore, another: Callable[[], AuditStore]
    ) -> None:
        logs = [make_log(another()) for _ in range(5)]
        try:
            self._concurrently(lambda i: logs[i % 5].record(ask(i, user=f"user-{i % 3}")).seq, 50)
        finally:
            for other in logs:
                other.close()
        self._assert_exactly(store, log, 50)

    @staticmethod
    def _concurrently(work: Callable[[int], int], n: int) -> None:
        seqs: list[int] = []
        errors: list[BaseException] = []
        barrier = threading.Barrier(n)

        def run(i: int) -> None:
            try:
                barrier.wait()
                seqs.append(work(i))
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert sorted(seqs) == list(range(1, n + 1))

    @staticmethod
    def _state(log: AuditLog, seq: int) -> str:
        view = log.get(seq)
        assert view is not None
        return view.state

    @staticmethod
    def _assert_exactly(store: AuditStore, log: AuditLog, n: int) -> None:
        assert [r.seq for r in store.records()] == list(range(1, n + 1))
        report = log.verify()
        assert (report.ok, report.size) == (True, n), report
        assert all(v.state == "readable" for v in log.query())

    @pytest.mark.parametrize("case", list(TAMPERING))
    def test_tampering_is_detected_and_named(self, case: str, log: AuditLog, store: AuditStore, raw: Raw) -> None:
        for i in range(2):
            log.record(ask(i))
        log.checkpoint()
        for i in range(2, 6):
            log.record(ask(i, mention=PERSON if i == 2 else ""))
        log.checkpoint()
        assert log.verify().ok
        tamper, first_bad, reason = TAMPERING[case]
        tamper(raw, {r.seq: r for r in store.records()})
        report = log.verify()
        assert not report.ok
        assert report.first_bad_seq == first_bad, report
        assert any(reason in p.reason for p in report.problems), report

    def test_forged_or_foreign_checkpoints_are_rejected(self, log: AuditLog, store: AuditStore) -> None:
        for i in range(3):
            log.record(ask(i))
        note = log.checkpoint()
        body, _, signature = note.partition("\n\n")
        name, _, blob = signature.removeprefix("— ").strip().partition(" ")
        raw_sig = bytearray(base64.b64decode(blob))
        raw_sig[10] ^= 1
        forged_sig = f"{body}\n\n— {name} {base64.b64encode(bytes(raw_sig)).decode()}\n"
        forged_size = note.replace("\n3\n", "\n2\n", 1)
        foreign = NoteSigner(ORIGIN, b"X" * 32).sign(body + "\n")
        for bad, why in ((forged_sig, "does not verify"), (forged_size, "does not verify"), (foreign, "trusted")):
            report = log.verify([bad])
            assert not report.ok
            assert report.first_bad_seq is None
            assert why in (report.reason or ""), report

    def test_external_checkpoints_catch_truncation_when_stored_ones_are_deleted(
        self, log: AuditLog, raw: Raw, tmp_path: Path
    ) -> None:
        for i in range(5):
            log.record(ask(i))
        log.checkpoint()
        assert log.export_checkpoints(tmp_path / "elsewhere") == 1
        raw("DELETE FROM audit_checkpoints", [])
        raw("DELETE FROM audit_records WHERE seq >= 4", [])
        assert log.verify().ok  # the host alone cannot tell...
        report = log.verify([tmp_path / "elsewhere"])  # ...an exported checkpoint can
        assert (report.ok, report.first_bad_seq) == (False, 4)

    def test_forget_shreds_payloads_and_the_chain_still_verifies(
        self, log: AuditLog, store: AuditStore, disk_bytes: Callable[[], bytes]
    ) -> None:
        log.record(ask(0, user="alice", mention=PERSON))
        log.record(ask(1, user="bob"))
        log.record(ask(2, user="bob", mention=f"{PERSON} et {OTHER_PERSON}"))
        feedback = log.add_feedback(3, rating=-1, comment="pas clair", user="bob")
        log.checkpoint()
        before = {r.seq: r for r in store.records()}
        person_tag = KEYS.tag(PERSON)
        person_key = store.subject_key(person_tag)
        assert person_key is not None

        assert log.forget(PERSON) == 3  # records 1 and 3, and the feedback on 3

        states = {v.seq: v.state for v in log.query(AuditFilters(operation="ask"))}
        assert states == {1: "shredded", 2: "readable", 3: "shredded"}
        assert self._state(log, feedback.seq) == "shredded"
        assert store.subject_key(person_tag) is None
        assert [v.seq for v in log.query(AuditFilters(user=PERSON))] == []
        report = log.verify()
        assert report.ok, report
        # The old sealed payload does not open with any key the store still holds, nor without the destroyed one.
        old = before[3]
        uid = json.loads(old.header or b"{}")["uid"]
        survivors = {KEYS.tag(s): store.subject_key(KEYS.tag(s)) for s in ("bob", OTHER_PERSON)}
        keys = {t: KEYS.unwrap_subject_key(t, w) for t, w in survivors.items() if w is not None}
        assert set(keys) == set(survivors)
        for attempt in (keys, {**keys, person_tag: b"\0" * 32}):
            with pytest.raises(UnreadableError):
                KEYS.open_payload(old.payload or b"", KEYS.data_key(attempt, uid), uid)
        if self.physical_erasure:
            on_disk = disk_bytes()
            assert old.payload is not None and old.payload not in on_disk
            assert person_key not in on_disk

    def test_purge_keeps_a_verifiable_skeleton(self, log: AuditLog, store: AuditStore, clock: Clock) -> None:
        for i in range(4):
            log.record(ask(i, user="alice"))
        log.checkpoint()
        clock.now += timedelta(days=200)
        log.record(ask(9, user="carol"))
        dry = log.purge(dry_run=True)
        assert (dry.purged, dry.through_seq, dry.event_seq) == (4, 4, None)
        assert all(r.header is not None for r in store.records())

        report = log.purge()

        assert (report.purged, report.through_seq) == (4, 4)
        skeletons = [r for r in store.records() if r.header is None]
        assert [r.seq for r in skeletons] == [1, 2, 3, 4]
        assert all(r.payload is None and r.index is None for r in skeletons)
        assert store.tags(1) == [] and store.subject_key(KEYS.tag("alice")) is None
        assert [v.seq for v in log.query()] == [5, 6]  # the new record and the purge event
        assert self._state(log, 1) == "purged"
        assert log.verify().ok  # chain and the checkpoint of size 4 still verify
        assert log.purge().purged == 0

    def test_retention_uses_the_configured_window(self, store: AuditStore, clock: Clock) -> None:
        log = make_log(store, clock, retention_days=30)
        log.record(ask(0))
        clock.now += timedelta(days=29)
        assert log.purge().purged == 0
        clock.now += timedelta(days=2)
        assert log.purge().purged == 1

    def test_headers_never_hold_the_payload(
        self, log: AuditLog, store: AuditStore, disk_bytes: Callable[[], bytes]
    ) -> None:
        question, answer = "QSEED-7f3a combien de jours pour un retour", "ASEED-91bc trente jours"
        log.record(
            AuditEntry(payload=AuditPayload(user_id="USEED-55d1", question=f"{question} {PERSON}", answer=answer))
        )
        rec = next(iter(store.records()))
        assert rec.header is not None
        on_disk = disk_bytes()
        for seed in (question, answer, "USEED-55d1", PERSON):
            assert seed.encode() not in rec.header
            assert seed.encode() not in on_disk
        with pytest.raises(ValueError, match="pseudonym token"):
            log.record(AuditEntry(extra={"note": f"about {PERSON}"}))

    def test_an_append_whose_subject_key_was_purged_meanwhile_stores_nothing(self, store: AuditStore) -> None:
        store.put_subject_key("fresh", b"wrapped")  # fetched by an append in flight, no record links it yet
        store.purge(0)  # a purge deletes the keys no link uses: this one
        index = RecordIndex("2025-01-01T09:00:00.000000Z", "ask", None, None, False)
        record = NewRecord(b'{"v":1}', sha256_hex(b'{"v":1}'), index, b"sealed", ("fresh",))
        with pytest.raises(SubjectKeyGoneError):
            store.append(record)
        assert store.head() == (0, GENESIS_HASH)

    def test_a_record_racing_a_purge_stays_readable(self, log: AuditLog, store: AuditStore) -> None:
        fetch = log._subject_key
        raced: list[str] = []

        def fetch_then_purge(tag: str) -> bytes:  # the purge commits between the key fetch and the append
            key = fetch(tag)
            if not raced:
                raced.append(tag)
                store.purge(0)
            return key

        log._subject_key = fetch_then_purge  # type: ignore[method-assign]
        seq = log.record(ask(1, user="alice")).seq
        view = log.get(seq)
        assert raced and view is not None and view.state == "readable"
        assert log.verify().ok

    def test_subject_key_first_writer_wins(self, store: AuditStore) -> None:
        assert store.subject_key("t") is None
        assert store.put_subject_key("t", b"first") == b"first"
        assert store.put_subject_key("t", b"second") == b"first"
        assert store.subject_key("t") == b"first"

    def test_automatic_checkpoints(self, store: AuditStore, tmp_path: Path) -> None:
        log = make_log(store, checkpoint_every=3, checkpoint_dir=tmp_path / "cp")
        for i in range(7):
            log.record(ask(i))
        assert len(store.checkpoints()) == 2
        assert sorted(p.name for p in (tmp_path / "cp").iterdir()) == [
            "checkpoint-000000000003.txt",
            "checkpoint-000000000006.txt",
        ]
        assert log.verify().checkpoints_checked == 4  # stored + exported copies

    def test_each_purge_and_erasure_is_stored_with_its_own_signed_checkpoint(
        self, log: AuditLog, store: AuditStore, clock: Clock, tmp_path: Path
    ) -> None:
        log = make_log(store, clock, checkpoint_dir=tmp_path / "elsewhere")
        log.record(ask(0, mention=PERSON))
        forgot = len(list(store.records())) + 1
        log.forget(PERSON, requested_by="dpo-1", role="compliance")
        clock.now += timedelta(days=200)
        purged = log.purge(requested_by="dpo-1", role="compliance").event_seq
        sizes = {int(note.split("\n")[1]) for note in store.checkpoints()}
        assert {forgot, purged} <= sizes
        assert {f"checkpoint-{s:012d}.txt" for s in (forgot, purged)} <= {
            p.name for p in (tmp_path / "elsewhere").iterdir()
        }
        assert log.verify().ok

    def test_a_purge_or_erasure_cut_short_after_its_record_is_finished_by_the_next_run(
        self, log: AuditLog, store: AuditStore, clock: Clock, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        log.record(ask(0, mention=PERSON))
        log.record(ask(1))
        for step, run in (("shred", lambda: log.forget(PERSON)), ("purge", log.purge)):
            clock.now += timedelta(days=200)
            with monkeypatch.context() as patched:  # the process dies between the record and the deletion
                patched.setattr(store, step, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
                with pytest.raises(KeyboardInterrupt):
                    run()
            assert log.verify().ok, step  # recorded and signed, nothing deleted yet: consistent
            run()
            report = log.verify()
            assert report.ok, (step, report)
        assert [r.header for r in store.records(1, 2)] == [None, None]  # purged at last

    def test_a_deleted_erasure_checkpoint_is_detected_and_an_exported_copy_restores_trust(
        self, log: AuditLog, store: AuditStore, raw: Raw, tmp_path: Path
    ) -> None:
        log.record(ask(0, mention=PERSON))
        log.forget(PERSON)
        assert log.export_checkpoints(tmp_path / "elsewhere") == 1
        raw("DELETE FROM audit_checkpoints", [])
        report = log.verify()
        assert (report.ok, report.first_bad_seq) == (False, 1), report  # record 1's payload: nothing vouches for it
        assert any("audit.forget without its own signed checkpoint" in p.reason for p in report.problems)
        assert log.verify([tmp_path / "elsewhere"]).ok

    def test_checkpoint_refuses_to_vouch_for_a_forged_erasure_at_the_head(
        self, log: AuditLog, store: AuditStore, raw: Raw
    ) -> None:
        log.record(ask(0))
        forge(raw, {r.seq: r for r in store.records()}, "audit.forget", {"shredded_seqs": [1]})
        with pytest.raises(AuditStoreError, match="did not append it"):
            log.checkpoint()
        assert store.checkpoints() == []

    def test_another_key_encryption_key_is_refused_at_open(self, log: AuditLog, store: AuditStore, raw: Raw) -> None:
        log.record(ask(0, mention=PERSON))
        other = AuditKeys(Secret(b"O" * 32))
        with pytest.raises(AuditConfigurationError, match="another key-encryption key"):
            AuditLog(store, other, SIGNER)
        raw("DELETE FROM audit_meta", [])  # a log written before the check value existed
        with pytest.raises(AuditConfigurationError, match="another key-encryption key"):
            AuditLog(store, other, SIGNER)
        assert store.meta("kek_check") is None  # nothing written with the wrong key
        make_log(store)
        assert store.meta("kek_check") == KEYS.check_value()

    def test_a_record_about_the_subject_appended_during_an_erasure_is_erased_too(
        self, log: AuditLog, store: AuditStore
    ) -> None:
        log.record(ask(0, mention=PERSON))
        shred = store.shred
        raced: list[int] = []

        def record_then_shred(tag: str, seqs: list[int]) -> list[int]:
            if not raced:  # another process records a question about the person between listing and shredding
                raced.append(make_log(store).record(ask(1, mention=PERSON)).seq)
            return shred(tag, seqs)

        store.shred = record_then_shred  # type: ignore[method-assign]
        assert log.forget(PERSON) == 2
        assert self._state(log, raced[0]) == "shredded"
        assert log.verify().ok

    def test_writable_takes_and_releases_the_write_lock(self, log: AuditLog, store: AuditStore) -> None:
        store.writable()
        log.ensure_writable()
        assert log.record(ask(0)).seq == 1
