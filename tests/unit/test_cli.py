"""The CLI contract (verbs, --json schemas, exit codes) with the container wired to fakes."""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app, output
from assistant.container import Container
from assistant.core.embedding import Embedder
from assistant.core.index import SparseEncoder, VectorIndex
from tests.fakes import FakeEmbedder, FakeSparseEncoder, InMemoryIndex

pytestmark = pytest.mark.unit
INDEX = InMemoryIndex()


class FakeContainer(Container):
    @cached_property
    def embedder(self) -> Embedder:
        return FakeEmbedder()

    @cached_property
    def sparse_encoder(self) -> SparseEncoder:
        return FakeSparseEncoder()

    @cached_property
    def index(self) -> VectorIndex:
        return INDEX


@pytest.fixture(autouse=True)
def fake_container(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_ANSWER_MIN_RELEVANCE", "0.2")
    monkeypatch.setenv("ASSISTANT_ANSWER_MIN_SENTENCE_SUPPORT", "0.1")
    monkeypatch.setenv("ASSISTANT_PRIVACY_ENABLED", "false")  # no spaCy models in unit tests
    monkeypatch.setenv("ASSISTANT_LLM_BACKEND", "none")  # never reach an LLM server running on this machine
    monkeypatch.setattr(output, "container_factory", FakeContainer)
    INDEX.points.clear()


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "retours.md").write_text(
        "---\naudience: store\n---\n# Retours\n\nLe client dispose de 30 jours pour retourner un article.\n"
    )
    (root / "salaires.md").write_text("---\naudience: hr\n---\n# Grille\n\nLe salaire de base est de 1900 euros.\n")
    return root


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout


def test_help_documents_every_verb() -> None:
    code, text = run("--help")
    assert code == 0
    for verb in ("ingest", "search", "ask", "serve", "documents", "models"):
        assert verb in text


def test_ingest_json_schema_and_idempotence(docs: Path) -> None:
    code, text = run("ingest", str(docs), "--json")
    assert code == 0
    report = json.loads(text)
    assert {"added", "updated", "unchanged", "deleted", "failed", "chunks_embedded", "documents"} <= set(report)
    assert report["added"] == 2
    assert {"source", "status", "doc_id", "chunks", "audience", "language"} <= set(report["documents"][0])
    again = json.loads(run("ingest", str(docs), "--json")[1])
    assert (again["unchanged"], again["chunks_embedded"]) == (2, 0)


def test_ingest_audience_option_and_failed_file_exit_code(docs: Path) -> None:
    (docs / "vide.txt").write_text("")
    code, text = run("ingest", str(docs), "--audience", "public,store", "--json")
    assert code == 1
    report = json.loads(text)
    assert report["failed"] == 1
    failed = next(d for d in report["documents"] if d["status"] == "failed")
    assert failed["source"].endswith("vide.txt")
    assert "empty" in failed["error"]
    assert all(d["audience"] == ["public", "store"] for d in report["documents"] if d["status"] != "failed")


def test_search_json_schema(docs: Path) -> None:
    run("ingest", str(docs))
    code, text = run("search", "retourner un article", "--top-k", "3", "--json")
    assert code == 0
    hits = json.loads(text)["hits"]
    assert hits
    assert {"source", "doc_id", "chunk_id", "score", "text", "title"} <= set(hits[0])
    assert hits[0]["source"].endswith("retours.md")
    assert all(not h["source"].endswith("salaires.md") for h in hits)  # default role: store


def test_ask_json_schema(docs: Path) -> None:
    run("ingest", str(docs))
    code, text = run("ask", "Combien de jours pour retourner un article ?", "--user", "u-1", "--json")
    assert code == 0
    answer = json.loads(text)
    assert {"answer", "citations", "refused", "language"} <= set(answer)
    assert answer["refused"] is False
    assert answer["language"] == "fr"
    assert answer["citations"][0]["source"].endswith("retours.md")
    assert {"source", "chunk_id", "title"} <= set(answer["citations"][0])


def test_unknown_role_is_exit_2_with_json_error(docs: Path) -> None:
    run("ingest", str(docs))
    code, text = run("ask", "Combien ?", "--role", "stagiaire", "--json")
    assert code == 2
    error = json.loads(text)["error"]
    assert error["type"] == "UnknownRoleError"
    assert "stagiaire" in error["message"]


def test_bad_configuration_is_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_ANSWER_TOP_K", "many")
    code, text = run("search", "x", "--json")
    assert code == 2
    assert "ASSISTANT_ANSWER_TOP_K" in json.loads(text)["error"]["message"]


def test_documents_list(docs: Path) -> None:
    run("ingest", str(docs))
    listing = json.loads(run("documents", "list", "--json")[1])["documents"]
    assert sorted(Path(d["source"]).name for d in listing) == ["retours.md", "salaires.md"]


def test_cli_compares_fusions_on_one_split(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "retours.md").write_text("---\naudience: store\n---\n# Retours\n\nLe client a 30 jours pour retourner.\n")
    (docs / "caisse.md").write_text("---\naudience: store\n---\n# Caisse\n\nLe fond de caisse est de 150 euros.\n")
    dataset = tmp_path / "q.jsonl"
    rows = [
        {"question": "Combien de jours pour retourner un article ?", "gold": ["retours"], "split": "dev"},
        {"question": "Quel est le fond de caisse ?", "gold": ["caisse"], "split": "test"},
    ]
    dataset.write_text("".join(json.dumps(r) + "\n" for r in rows))
    run("ingest", str(docs))
    base = ("eval", "retrieval", "--dataset", str(dataset), "--json")
    code, text = run(*base, "--fusions", "rrf,rrf:1:2,dbsf,boost:0.2", "--split", "test")
    assert code == 0, text
    report = json.loads(text)
    assert report["questions"] == 1
    modes = [m["mode"] for m in report["modes"]]
    assert modes == ["dense", "sparse", "hybrid", "hybrid:rrf", "hybrid:rrf:1:2", "hybrid:dbsf", "hybrid:boost:0.2"]
    code, text = run(*base, "--fusions", "rrf:2")
    assert code == 2 and "--fusions" in text
    code, text = run(*base, "--split", "holdout")
    assert code == 2 and "--split holdout" in text


@pytest.fixture
def plain_folder(tmp_path: Path) -> Path:
    """What a new user ingests first: their own files, without audience metadata."""
    root = tmp_path / "mes-documents"
    root.mkdir()
    (root / "horaires.md").write_text("# Horaires\n\nLe magasin ouvre à 9 h et ferme à 20 h du lundi au samedi.\n")
    (root / "caisse.txt").write_text("Fond de caisse\n\nLe fond de caisse est de 150 euros chaque matin.\n")
    return root


def test_first_ingest_says_who_can_read_it_and_how_to_let_the_default_role_in(plain_folder: Path) -> None:
    code, text = run("ingest", str(plain_folder), "--json")
    report = json.loads(text)
    assert code == 0 and report["added"] == 2  # the --json contract keeps its fields; readers and warnings are added
    assert report["readers"] == {"compliance": 2, "hq": 2, "hr": 2, "marketing": 0, "store": 0}
    (warning,) = report["warnings"]
    assert "default role 'store'" in warning and "--audience store" in warning and "ASSISTANT_INGESTION" in warning
    code, text = run("ingest", str(plain_folder))
    assert "readable, per role: compliance 2, hq 2, hr 2, marketing 0, store 0" in text
    assert "warning: the default role 'store'" in " ".join(text.split())
    fixed = json.loads(run("ingest", str(plain_folder), "--audience", "store", "--json")[1])
    assert fixed["readers"]["store"] == 2 and fixed["warnings"] == []


def test_ingest_warns_about_documents_no_role_can_read(plain_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_ACCESS_ROLES", '{"store": ["store"], "hq": ["hq", "store"]}')
    monkeypatch.setenv("ASSISTANT_ACCESS_CLEARANCE", '{"store": "internal", "hq": "confidential"}')
    (plain_folder / "secret.md").write_text("---\naudience: hq\nconfidentiality: secret\n---\n# Plan\n\nTexte.\n")
    report = json.loads(run("ingest", str(plain_folder), "--json")[1])
    assert report["readers"] == {"hq": 2, "store": 0}
    assert any("1 document(s) no configured role can read" in w and "secret.md" in w for w in report["warnings"])


def test_ask_and_search_for_a_role_that_reads_nothing_say_so(plain_folder: Path) -> None:
    code, text = run("ask", "Combien de jours pour retourner un article ?", "--json")
    nothing = json.loads(text)
    assert code == 0 and nothing["refused"] is True and "Aucun document n'est encore indexé" in nothing["answer"]
    run("ingest", str(plain_folder))  # audience hq by default: the store role reads none of it
    code, text = run("ask", "À quelle heure ouvre le magasin ?", "--json")
    answer = json.loads(text)
    assert code == 0 and answer["refused"] is True
    assert "rôle « store »" in answer["answer"] and "--audience store" in answer["answer"]
    assert {"answer", "citations", "refused", "language", "mode", "notice"} <= set(answer)
    found = json.loads(run("search", "horaires du magasin", "--json")[1])
    assert found["hits"] == [] and "rôle « store »" in found["notice"]
    assert "rôle « store »" in run("search", "horaires du magasin")[1]
    readable = json.loads(run("ask", "À quelle heure ouvre le magasin ?", "--role", "hq", "--json")[1])
    assert readable["refused"] is False  # hq reads them: an ordinary answer
    english = json.loads(run("ask", "What time does the store open?", "--role", "marketing", "--json")[1])
    assert "role 'marketing'" in english["answer"]


def test_hostile_file_names_are_reported_on_one_line_as_they_are(docs: Path) -> None:
    (docs / "[bold red]piège & a\nb $(id).md").write_text("# Piège\n\nUn nom de fichier hostile.\n")
    (docs / "[blink]vide\u202e.md").write_text("")
    code, text = run("ingest", str(docs), "--audience", "store")
    assert code == 1
    added = next(line for line in text.splitlines() if "piège" in line)
    assert added.split()[0] == "added" and "[bold red]piège & a\\nb $(id).md" in added
    failed = next(line for line in text.splitlines() if "vide" in line)
    assert failed.split()[0] == "failed" and "[blink]vide\\u202e.md" in failed and "the file is empty" in failed
