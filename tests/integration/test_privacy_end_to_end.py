"""The privacy boundary on the real pipeline: nothing raw on disk, consistent tokens, access and erasure."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from assistant.container import Container
from assistant.settings import load_settings
from tests.integration.conftest import ROOT, SAMPLES, cli_json, run_cli

pytestmark = pytest.mark.integration
PII = json.loads((ROOT / "eval" / "datasets" / "samples_pii.json").read_text(encoding="utf-8"))["pii"]


def leaks(data_dir: Path) -> set[str]:
    blobs = [f.read_bytes() for f in data_dir.rglob("*") if f.is_file() and "vault" not in f.parts]
    found = set()
    for item in PII:
        variants = {item["value"], " ".join(item["value"].split())}
        if any(v.encode() in blob for v in variants for blob in blobs):
            found.add(item["value"])
    return found


def seeded(kind: str) -> str:
    return str(next(item["value"] for item in PII if item["type"] == kind))


def test_no_raw_personal_data_under_the_data_dir(corpus_data_dir: tuple[Path, dict[str, Any]]) -> None:
    """After ingesting the corpus AND asking about seeded people (the audit trail is under the data dir too)."""
    data_dir = corpus_data_dir[0]
    question = (
        f"{seeded('PERSON')} ({seeded('EMAIL')}, {seeded('PHONE')}, IBAN {seeded('IBAN')}) "
        "a-t-il droit à un remboursement ?"
    )
    asked = cli_json(data_dir, "ask", question, "--role", "compliance", "--user", seeded("EMAIL"))
    assert asked["audit_seq"] >= 1
    found = leaks(data_dir)
    assert not found, found


def test_same_person_same_token_across_documents_and_queries(corpus: Container) -> None:
    tokens = corpus.privacy.vault.find("Sophie Marchand", "PERSON")
    assert len(tokens) == 1
    token = tokens[0]
    mentioning = corpus.registry.mentioning({token})
    assert len(mentioning) >= 2
    assert corpus.privacy.protect_query("Qui est Sophie Marchand ?", "fr") == f"Qui est {token} ?"
    hits = corpus.searcher.search("Quel magasin dirige Sophie Marchand ?", "hq", 10)
    assert {h.chunk.doc_id for h in hits} & {r.doc_id for r in mentioning}
    assert any(token in h.chunk.text for h in hits)


def test_answers_are_pseudonymized_for_store_staff_and_revealed_for_compliance(corpus: Container) -> None:
    store = corpus.answerer.ask("Qui dirige le magasin de Lyon Part-Dieu ?", "store")
    compliance = corpus.answerer.ask("Qui dirige le magasin de Lyon Part-Dieu ?", "compliance")
    assert not store.refused
    assert not compliance.refused
    assert "Sophie Marchand" not in store.answer
    assert "<PERSON_" in store.answer
    assert "Sophie Marchand" in compliance.answer  # re-identified for an authorised role (and audited by the vault)
    assert "<PERSON_" not in compliance.answer


def test_forget_then_reingest_leaves_nothing(tmp_path: Path, model_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for rel in ("rh/confidentiel/note-individuelle-2025-017.md", "fidelite/reclamation-client-2024-1187.md"):
        shutil.copy(SAMPLES / rel, docs)
    data = tmp_path / "data"
    cli_json(data, "ingest", str(docs))
    asked = cli_json(data, "ask", "Quelle réclamation Karim Benali a-t-il faite ?", "--role", "hr", "--user", "jdupont")
    assert asked["audit_seq"] >= 1  # his name went into the audit trail, pseudonymized
    exported = cli_json(data, "privacy", "export", "Karim Benali")
    assert exported["subject_tokens"]
    old_tokens = exported["subject_tokens"]
    assert exported["documents"]
    questions = [r["payload"]["question"] for r in exported["audit_records"] if r["header"]["operation"] == "ask"]
    assert any("Karim Benali" in q for q in questions)  # shown to him with his own name
    receipt = cli_json(data, "privacy", "forget", "Karim Benali")
    assert receipt["vault_entries_shredded"] == len(old_tokens)
    assert receipt["chunks_still_mentioning"] == 0
    assert receipt["audit_payloads_shredded"] >= 1
    cli_json(data, "ingest", str(docs))  # the same files again: the tombstone keeps him out
    assert cli_json(data, "audit", "verify")["ok"]  # erasure did not break the chain
    shown = cli_json(data, "audit", "show", str(asked["audit_seq"]))
    assert shown["state"] == "shredded" and shown["payload"] is None
    blobs = b"".join(f.read_bytes() for f in data.rglob("*") if f.is_file())
    assert b"Karim Benali" not in blobs  # nowhere, the vault included
    container = Container(load_settings(data_dir=data))
    try:
        assert all(container.privacy.vault.get(t) is None for t in old_tokens)
        assert container.privacy.vault.find("Karim Benali") == []
        texts = " ".join(c.text for r in container.registry.all() for c in container.index.chunks(r.doc_id))
        assert not any(t in texts for t in old_tokens)
        assert "<PERSON_REDACTED>" in texts
    finally:
        container.close()


def test_two_ingestion_workers_give_the_same_report_and_leak_nothing(
    tmp_path: Path, corpus_data_dir: tuple[Path, dict[str, Any]]
) -> None:
    """`assistant ingest --workers 2`: the real PII models in two worker processes, names shared between them."""
    data_dir = tmp_path / "workers"
    report = cli_json(data_dir, "ingest", str(SAMPLES), "--workers", "2")
    assert report == corpus_data_dir[1]
    found = leaks(data_dir)
    assert not found, found


def test_privacy_scan_finds_what_an_unprotected_ingestion_stored_and_fix_removes_it(
    tmp_path: Path, model_path: Path
) -> None:
    """The residues planted by an ingestion with privacy disabled are found (types and document, no value shown);
    --fix re-ingests the document through the boundary and nothing raw is left in any file of the data dir."""
    docs = tmp_path / "docs"
    docs.mkdir()
    values = ["Jeanne Fournier", "06 21 43 65 87", "FR76 3000 4028 3700 0104 5678 997", "Kundennummer K-99812734"]
    note = docs / "reclamation.md"
    note.write_text(
        "---\nlang: fr\n---\n# Réclamation\n\nLa cliente Jeanne Fournier (tél. 06 21 43 65 87) demande le "
        "remboursement sur l'IBAN FR76 3000 4028 3700 0104 5678 997. Carte fidélité n° K-99812734.\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    cli_json(data, "ingest", str(docs), env_extra={"ASSISTANT_PRIVACY_ENABLED": "false"})
    blobs = b"".join(f.read_bytes() for f in data.rglob("*") if f.is_file())
    assert b"06 21 43 65 87" in blobs  # the residue is really on disk

    found = run_cli(data, "privacy", "scan", "--json", expect=1)
    report = json.loads(found.stdout)
    assert report["residual"] >= 4
    assert {"PERSON", "PHONE", "IBAN", "IDENTIFIER"} <= set(report["by_type"])
    assert [d["source"] for d in report["documents"]] == [str(note)]
    assert not any(v in found.stdout + found.stderr for v in values[:3])

    fixed = cli_json(data, "privacy", "scan", "--fix")
    assert fixed["residual"] == 0
    assert fixed["fixed"] == [str(note)]
    blobs = b"".join(f.read_bytes() for f in data.rglob("*") if f.is_file())
    assert not [v for v in ("Fournier", "06 21 43 65 87", "0621436587", "FR76 3000", "99812734") if v.encode() in blobs]
