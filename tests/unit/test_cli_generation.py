"""CLI contract of the generative verbs (ask --stream, draft copy, eval generation) with a scripted chat model."""

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
from assistant.llm.ports import ChatModel, LlmUnavailableError
from assistant.settings import load_settings
from audit.views import AuditFilters, AuditView
from tests.fakes import FakeEmbedder, FakeSparseEncoder, InMemoryIndex, Reply, ScriptedChatModel

pytestmark = pytest.mark.unit
INDEX = InMemoryIndex()
CHAT = ScriptedChatModel("NO_ANSWER")
ANSWER = "Le client dispose de 30 jours pour retourner un article [1]. Il présente son ticket [1]."


class ScriptedContainer(Container):
    @cached_property
    def embedder(self) -> Embedder:
        return FakeEmbedder()

    @cached_property
    def sparse_encoder(self) -> SparseEncoder:
        return FakeSparseEncoder()

    @cached_property
    def index(self) -> VectorIndex:
        return INDEX

    @cached_property
    def chat_model(self) -> ChatModel:
        return CHAT


@pytest.fixture(autouse=True)
def scripted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_ANSWER_MIN_RELEVANCE", "0.2")
    monkeypatch.setenv("ASSISTANT_ANSWER_MIN_SENTENCE_SUPPORT", "0.1")
    monkeypatch.setenv("ASSISTANT_PRIVACY_ENABLED", "false")
    monkeypatch.setenv("ASSISTANT_LLM_MIN_ANSWER_RELEVANCE", "0.2")  # bag-of-words cosines are not e5's
    monkeypatch.setattr(output, "container_factory", ScriptedContainer)
    INDEX.points.clear()
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "retours.md").write_text(
        "---\naudience: store\n---\n# Retours\n\nLe client dispose de 30 jours pour retourner un article. "
        "Il présente son ticket de caisse.\n"
    )
    (docs / "fiche-cocotte.md").write_text(
        "---\naudience: store, marketing\n---\n# Cocotte\n\nCocotte en fonte émaillée MC-COC-24, 24 cm, 139 €.\n"
    )
    assert run("ingest", str(docs))[0] == 0


def script(*replies: Reply) -> None:
    CHAT.replies = list(replies)
    CHAT.calls.clear()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout


def test_help_lists_the_draft_verb() -> None:
    assert "draft" in run("--help")[1]


def test_ask_json_keeps_its_keys_and_adds_how_the_answer_was_made() -> None:
    script(ANSWER)
    code, text = run("ask", "Combien de jours pour retourner un article ?", "--json")
    assert code == 0
    answer = json.loads(text)
    assert {"answer", "citations", "refused", "language", "mode", "notice"} <= set(answer)
    assert (answer["mode"], answer["refused"], answer["fallback"]) == ("generative", False, False)
    assert answer["answer"] == ANSWER
    assert answer["citations"][0]["source"].endswith("retours.md")
    assert answer["prompt_version"].startswith("store_qa@")
    assert answer["tokens"]["prompt"] > 0


def test_ask_stream_prints_sentences_then_sources() -> None:
    script(ANSWER)
    code, text = run("ask", "Combien de jours pour retourner un article ?", "--stream")
    assert code == 0
    assert text.startswith(ANSWER)
    assert "[1] Retours — retours.md" in text
    assert "final answer" not in text


def test_ask_stream_json_is_one_event_per_line() -> None:
    script(ANSWER)
    code, text = run("ask", "Combien de jours pour retourner un article ?", "--stream", "--json")
    assert code == 0
    events = [json.loads(line) for line in text.splitlines()]
    assert [e["event"] for e in events] == ["delta", "delta", "final"]
    assert "".join(e["text"] for e in events[:-1]) == events[-1]["answer"] == ANSWER


def test_ask_without_a_model_answers_extractively_with_the_notice() -> None:
    script(LlmUnavailableError("LLM endpoint http://127.0.0.1:8089/v1 is unreachable"))
    code, text = run("ask", "Combien de jours pour retourner un article ?", "--stream")
    assert code == 0
    assert "« Le client dispose de 30 jours pour retourner un article. » [1]" in text
    assert "Le modèle génératif est indisponible" in text


def test_backend_none_never_calls_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_LLM_BACKEND", "none")
    script(ANSWER)
    answer = json.loads(run("ask", "Combien de jours pour retourner un article ?", "--json")[1])
    assert answer["mode"] == "extractive"
    assert CHAT.calls == []


def test_draft_copy_json() -> None:
    copy = "La cocotte en fonte émaillée de 24 cm, à 139 €, pour vos plats mijotés."
    script(copy)
    code, text = run("draft", "copy", "--product", "MC-COC-24", "--channel", "newsletter", "--json")
    assert code == 0, text
    draft = json.loads(text)
    assert (draft["copy"], draft["refused"], draft["channel"], draft["use_case"]) == (
        copy,
        False,
        "newsletter",
        "marketing_copy",
    )
    assert draft["sources"][0]["source"].endswith("fiche-cocotte.md")
    (record,) = drafts_recorded()
    assert record.seq == draft["audit_seq"]
    assert record.header is not None and record.payload is not None
    assert (record.header["use_case"], record.header["refused"], record.header["model"]) == (
        "marketing_copy",
        False,
        "scripted-model",
    )
    assert record.header["extra"]["product"] == "MC-COC-24"
    assert record.payload["answer"] == copy


def test_draft_copy_of_an_unknown_product_is_exit_2_and_recorded() -> None:
    code, text = run("draft", "copy", "--product", "XX-000", "--channel", "web", "--json")
    assert code == 2
    assert json.loads(text)["error"]["type"] == "ProductNotFoundError"
    (record,) = drafts_recorded()
    assert record.header is not None and record.header["error"] == "ProductNotFoundError"


def drafts_recorded() -> list[AuditView]:
    container = ScriptedContainer(load_settings())
    try:
        return list(container.audit.query(AuditFilters(operation="draft")))
    finally:
        container.audit.close()


def test_eval_generation_reports_rates(tmp_path: Path) -> None:
    dataset = tmp_path / "golden.jsonl"
    rows = [
        {"id": "a", "question": "Combien de jours pour retourner un article ?", "language": "fr", "gold": ["retours"],
         "answerable": True, "expected_keywords": ["30 jours"]},
        {"id": "b", "question": "Quel est le code wifi ?", "language": "fr", "gold": [], "answerable": False},
    ]  # fmt: skip
    dataset.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    script(lambda messages: "NO_ANSWER" if "wifi" in messages[-1].content else ANSWER)
    code, text = run("eval", "generation", "--dataset", str(dataset), "--json")
    assert code == 0, text
    summary = json.loads(text)["summary"]
    assert (summary["answered_correctly"], summary["unanswerable_refused"], summary["citations_valid"]) == (
        1.0,
        1.0,
        1.0,
    )
    assert summary["questions"] == 2


def test_ask_stream_json_reports_an_error_on_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_ANSWER_MAX_QUESTION_CHARS", "100")
    code, text = run("ask", "Combien de jours pour retourner un article ? " * 5, "--stream", "--json")
    assert code == 2
    (line,) = text.splitlines()
    event = json.loads(line)
    assert event["event"] == "error" and event["error"]["type"] == "InvalidInputError"


def test_titles_with_brackets_are_printed_whole(tmp_path: Path) -> None:
    docs = tmp_path / "more"
    docs.mkdir()
    (docs / "echanges.md").write_text(
        "---\naudience: store\n---\n# Échanges [interne]\n\nUn échange se fait sous 30 jours avec le ticket.\n"
    )
    assert run("ingest", str(docs))[0] == 0
    code, text = run("search", "échange sous 30 jours avec le ticket")
    assert code == 0 and "Échanges [interne]" in text
