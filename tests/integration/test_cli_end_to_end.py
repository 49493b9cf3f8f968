"""The README's acceptance path through the real executable: ingest the samples, ask, search, re-ingest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import SAMPLES, cli_json, run_cli

pytestmark = pytest.mark.integration


def test_sample_corpus_ingests_without_failures(corpus_data_dir: tuple[Path, dict[str, Any]]) -> None:
    _, report = corpus_data_dir
    assert report["failed"] == 0, [d for d in report["documents"] if d["status"] == "failed"]
    assert report["added"] >= 30
    formats = {Path(d["source"]).suffix for d in report["documents"]}
    assert formats >= {".md", ".txt", ".html", ".pdf", ".docx", ".csv"}
    languages = {d["language"] for d in report["documents"]}
    assert languages >= {"fr", "en", "es", "de"}


def test_acceptance_question_is_answered_from_the_returns_procedure(
    corpus_data_dir: tuple[Path, dict[str, Any]],
) -> None:
    answer = cli_json(corpus_data_dir[0], "ask", "Combien de jours un client a-t-il pour retourner un article ?")
    assert answer["refused"] is False
    assert answer["language"] == "fr"
    assert "30 jours" in answer["answer"]
    assert answer["citations"]
    assert Path(answer["citations"][0]["source"]).stem == "retours-remboursements"


def test_search_json_contract(corpus_data_dir: tuple[Path, dict[str, Any]]) -> None:
    hits = cli_json(corpus_data_dir[0], "search", "fond de caisse ouverture", "--top-k", "3")["hits"]
    assert len(hits) == 3
    for hit in hits:
        assert set(hit) >= {"source", "doc_id", "chunk_id", "score", "text", "title"}
        assert isinstance(hit["score"], float)


def test_reingest_unchanged_embeds_nothing(corpus_data_dir: tuple[Path, dict[str, Any]]) -> None:
    data_dir, first = corpus_data_dir
    again = cli_json(data_dir, "ingest", str(SAMPLES))
    assert again["chunks_embedded"] == 0
    assert again["unchanged"] == first["added"]


def test_deleted_file_leaves_no_chunk(tmp_path: Path, model_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(SAMPLES / "procedures", docs)
    data = tmp_path / "data"
    cli_json(data, "ingest", str(docs))
    victim = docs / "retours-remboursements.md"
    hits = cli_json(data, "search", "délai de retour d'un article", "--top-k", "10")["hits"]
    assert any(h["source"] == str(victim) for h in hits)
    victim.unlink()
    report = cli_json(data, "ingest", str(docs))
    assert report["deleted"] == 1
    assert report["chunks_deleted"] > 0
    hits = cli_json(data, "search", "délai de retour d'un article", "--top-k", "50")["hits"]
    assert all(h["source"] != str(victim) for h in hits)
    listed = cli_json(data, "documents", "list")["documents"]
    assert str(victim) not in {d["source"] for d in listed}


def test_bad_files_are_reported_and_the_batch_goes_on(tmp_path: Path, model_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SAMPLES / "procedures" / "caisse-ouverture-fermeture.md", docs)
    (docs / "corrupt.pdf").write_bytes(b"%PDF-1.7\n%garbage that is not a pdf")
    (docs / "empty.txt").write_bytes(b"")
    (docs / "binary.md").write_bytes(bytes(range(256)) * 4)
    (docs / "fake.docx").write_bytes(b"PK\x03\x04 not really a zip")
    done = run_cli(tmp_path / "data", "ingest", str(docs), "--json", expect=1)
    report = json.loads(done.stdout)
    assert report["added"] == 1
    errors = {Path(d["source"]).name: d["error"] for d in report["documents"] if d["status"] == "failed"}
    assert set(errors) == {"corrupt.pdf", "empty.txt", "binary.md", "fake.docx"}
    assert all(name in message for name, message in errors.items())


def test_unknown_role_gets_nothing(corpus_data_dir: tuple[Path, dict[str, Any]]) -> None:
    error = cli_json(corpus_data_dir[0], "search", "salaire", "--role", "visiteur", expect=2)["error"]
    assert "visiteur" in error["message"]
