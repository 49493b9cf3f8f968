"""Audit building blocks without a store: canonical JSON, the chain rule, signed-note checkpoints (Go's known
answers), envelope encryption, entries."""

from __future__ import annotations

import base64
import hashlib
import json
import math
from typing import Any

import pytest

from audit.canonical import GENESIS_HASH, canonical_json, chain_hash, sha256_hex
from audit.checkpoint import Checkpoint, NoteSigner, NoteVerifier, key_id, open_checkpoint, open_note, sign_checkpoint
from audit.crypto import AuditKeys, UnreadableError
from audit.entry import AuditEntry, AuditPayload, RetrievedChunk, subjects_of
from audit.errors import AuditConfigurationError, CheckpointError
from privacy.keys import Secret

pytestmark = pytest.mark.unit

# Known answers from golang.org/x/mod/sumdb/note (note_test.go / package doc), the reference implementation.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_SIGNATURE = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
GO_NOTE = f"{GO_TEXT}\n— PeterNeumann {GO_SIGNATURE}\n"
PERSON = "<PERSON_0123456789abcdef>"


# -- canonical JSON and the chain ----------------------------------------------------------------------------------
def test_canonical_json_known_answer() -> None:
    value = {"b": 1, "a": [1.5, "é", None, True, 2.0], "c": {"z": (1, 2), "y": "x"}}
    assert canonical_json(value) == '{"a":[1.5,"é",null,true,2],"b":1,"c":{"y":"x","z":[1,2]}}'.encode()


def test_canonical_json_is_independent_of_key_order_and_stable_through_a_round_trip() -> None:
    a = canonical_json({"x": 0.1, "y": [{"k": 1e-7, "j": -3}], "é": "ü"})
    b = canonical_json({"é": "ü", "y": [{"j": -3, "k": 1e-7}], "x": 0.1})
    assert a == b
    assert canonical_json(json.loads(a)) == a


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ({"x": math.nan}, ValueError),
        ({"x": math.inf}, ValueError),
        ({1: "a"}, TypeError),
        ({"x": {1, 2}}, TypeError),
        ({"x": b"bytes"}, TypeError),
    ],
)
def test_canonical_json_refuses_what_has_no_single_form(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        canonical_json(value)


def test_chain_hash_is_sha256_of_the_two_raw_digests() -> None:
    content = sha256_hex(b"{}")
    expected = hashlib.sha256(bytes(32) + hashlib.sha256(b"{}").digest()).hexdigest()
    assert chain_hash(GENESIS_HASH, content) == expected
    assert chain_hash(expected, content) != expected
    with pytest.raises(ValueError, match="32-byte"):
        chain_hash("ab", content)


# -- signed notes and checkpoints ----------------------------------------------------------------------------------
def test_key_id_known_answer() -> None:
    public = base64.b64decode(GO_VKEY.split("+")[2])[1:]
    assert key_id("PeterNeumann", public).hex() == "c74f20a3"
    assert hashlib.sha256(b"PeterNeumann\n\x01" + public).digest()[:4] == key_id("PeterNeumann", public)


def test_signer_reproduces_the_go_note_byte_for_byte() -> None:
    signer = NoteSigner.parse(GO_SKEY)
    assert signer.verifier.text() == GO_VKEY
    assert signer.sign(GO_TEXT) == GO_NOTE
    assert open_note(GO_NOTE, [NoteVerifier.parse(GO_VKEY)]) == GO_TEXT
    assert "AYEKFALV" not in repr(signer)


@pytest.mark.parametrize(
    ("note", "message"),
    [
        (GO_NOTE.replace("cryptography", "cryptographY"), "does not verify"),
        (GO_NOTE.replace("x08go/ZJ", "x08go/ZK"), "does not verify"),
        (GO_NOTE.replace("— PeterNeumann", "— Someone"), "trusted"),
        (GO_TEXT, "not a signed note"),
        (GO_NOTE.replace("— ", "- "), "malformed"),
    ],
)
def test_open_note_rejects_altered_or_foreign_notes(note: str, message: str) -> None:
    with pytest.raises(CheckpointError, match=message):
        open_note(note, [NoteVerifier.parse(GO_VKEY)])


def test_verifier_key_must_match_its_id() -> None:
    with pytest.raises(CheckpointError, match="does not match"):
        NoteVerifier.parse(GO_VKEY.replace("c74f20a3", "c74f20a4"))
    with pytest.raises(CheckpointError, match="name"):
        NoteVerifier.parse("just-a-name")


def test_checkpoint_round_trip_in_c2sp_form() -> None:
    signer = NoteSigner("retail-assistant/audit", b"s" * 32)
    head = sha256_hex(b"head")
    note = sign_checkpoint(signer, Checkpoint("retail-assistant/audit", 42, head))
    body, _, signature = note.partition("\n\n")
    assert body.split("\n") == ["retail-assistant/audit", "42", base64.b64encode(bytes.fromhex(head)).decode()]
    assert signature.startswith("— retail-assistant/audit ") and signature.endswith("\n")
    assert len(base64.b64decode(signature.split(" ")[2])) == 4 + 64
    assert open_checkpoint(note, [signer.verifier], "retail-assistant/audit") == Checkpoint(
        "retail-assistant/audit", 42, head
    )
    with pytest.raises(CheckpointError, match="expected 'other/log'"):
        open_checkpoint(note, [signer.verifier], "other/log")


@pytest.mark.parametrize(
    "body", ["log\n042\nAAAA\n", "log\nten\nAAAA\n", "log\n1\nAAAA\n", "log\n1\n", "log\n1\nnot base64!\n"]
)
def test_checkpoint_body_is_strict(body: str) -> None:
    with pytest.raises(CheckpointError):
        Checkpoint.parse(body)


def test_signer_refuses_text_that_is_not_a_note_body() -> None:
    signer = NoteSigner("log", b"s" * 32)
    for text in ("no final newline", "a\n\nblank line\n"):
        with pytest.raises(CheckpointError):
            signer.sign(text)
    with pytest.raises(CheckpointError, match="spaces"):
        NoteSigner("bad name", b"s" * 32)


# -- envelope encryption -------------------------------------------------------------------------------------------
def test_tags_are_keyed_and_stable() -> None:
    keys, other = AuditKeys(Secret(b"k" * 32)), AuditKeys(Secret(b"o" * 32))
    assert keys.tag(PERSON) == keys.tag(PERSON) != keys.tag("alice")
    assert keys.tag(PERSON) != other.tag(PERSON)
    assert PERSON not in keys.tag(PERSON)
    assert "kkkk" not in repr(keys)


def test_subject_keys_are_wrapped_by_the_kek() -> None:
    keys = AuditKeys(Secret(b"k" * 32))
    key, wrapped = keys.new_subject_key("tag-1")
    assert key not in wrapped
    assert keys.unwrap_subject_key("tag-1", wrapped) == key
    with pytest.raises(UnreadableError):
        keys.unwrap_subject_key("tag-2", wrapped)  # bound to its tag
    with pytest.raises(UnreadableError):
        AuditKeys(Secret(b"x" * 32)).unwrap_subject_key("tag-1", wrapped)


def test_payload_needs_every_subject_key_and_its_own_uid() -> None:
    a, b = b"a" * 32, b"b" * 32
    data_key = AuditKeys.data_key({"ta": a, "tb": b}, "uid-1")
    assert data_key == AuditKeys.data_key({"tb": b, "ta": a}, "uid-1")
    sealed = AuditKeys.seal_payload(b"secret question", data_key, "uid-1")
    assert b"secret question" not in sealed
    assert AuditKeys.open_payload(sealed, data_key, "uid-1") == b"secret question"
    for wrong in ({"ta": a}, {"ta": a, "tb": b"c" * 32}, {"ta": a, "tb": b, "tc": b"c" * 32}):
        with pytest.raises(UnreadableError):
            AuditKeys.open_payload(sealed, AuditKeys.data_key(wrong, "uid-1"), "uid-1")
    with pytest.raises(UnreadableError):
        AuditKeys.open_payload(sealed, data_key, "uid-2")


def test_kek_must_be_32_bytes() -> None:
    with pytest.raises(AuditConfigurationError, match="32 bytes"):
        AuditKeys(Secret(b"short"))


# -- entries -------------------------------------------------------------------------------------------------------


def test_entry_round_trips_through_json() -> None:
    entry = AuditEntry(
        role="hq",
        retrieved=(RetrievedChunk("c1", "d1", 0.7),),
        latency_ms={"total": 12.0},
        cited_chunks=("c1",),
        payload=AuditPayload(user_id="u1", question="q", citations=("quote",), details={"k": [1]}),
    )
    data = json.loads(canonical_json(entry.to_json()))
    assert AuditEntry.from_json(data) == entry


@pytest.mark.parametrize(
    "entry",
    [
        AuditEntry(use_case=f"about {PERSON}"),
        AuditEntry(extra={"who": [PERSON]}),
        AuditEntry(extra={PERSON: 1}),
        AuditEntry(retrieved=(RetrievedChunk(PERSON, "d", 0.1),)),
    ],
)
def test_header_refuses_pseudonym_tokens(entry: AuditEntry) -> None:
    with pytest.raises(ValueError, match="payload"):
        entry.header_fields()


def test_subjects_are_the_user_and_every_token_in_the_payload() -> None:
    other = "<EMAIL_fedcba9876543210>"
    payload = AuditPayload(
        user_id="u1", question=f"{PERSON} ?", answer=f"{PERSON} et {other}", details={"x": [f"{other}"]}
    )
    assert subjects_of(payload) == ["u1", PERSON, other]
    assert subjects_of(AuditPayload()) == []
