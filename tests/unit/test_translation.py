"""Cross-language search: the question is also searched as translated, only a checked translation is used, and the
rankings are fused."""

from __future__ import annotations

import re

import pytest

from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.grounded import GroundedAnswerer
from assistant.answering.translation import LlmQueryTranslator, checked
from assistant.core.domain import Chunk
from assistant.core.errors import ConfigurationError
from assistant.llm.client_settings import LlmSettings
from assistant.llm.ports import ChatMessage, Completion, LlmRequestError, LlmUnavailableError
from assistant.retrieval.access import AccessPolicy
from assistant.retrieval.searcher import Searcher
from assistant.settings import AnswerSettings, load_settings
from tests.fakes import FakeEmbedder, FakeSparseEncoder, InMemoryIndex, ScriptedChatModel

pytestmark = pytest.mark.unit

LANGUAGES = ["fr", "en", "es", "de"]
QUESTION = "What discount do employees of the French stores get on full-price items?"
FRENCH = "Quelle remise les employés des magasins français ont-ils sur les articles à prix plein ?"
TOKEN = "<PERSON_0123456789abcdef>"
DOCS = {
    "dublin": ("en", "Dublin staff handbook: the staff discount is the same as in France, with an annual cap."),
    "remise": (
        "fr",
        "Remise du personnel : les employés des magasins ont 30 % de remise sur les articles à prix plein.",
    ),
    "caisse": ("fr", "Le fond de caisse est de 150 euros, compté à l'ouverture."),
}


def _completion(text: str) -> Completion:
    return Completion(text, "m", 10, 10, "stop")


@pytest.mark.parametrize(
    ("question", "output", "expected", "problem"),
    [
        (QUESTION, FRENCH, FRENCH, ""),
        (QUESTION, f"Traduction : « {FRENCH} »", FRENCH, ""),  # label and quotes removed
        (QUESTION, f"{FRENCH}\nThis is the French translation of your question.", FRENCH, ""),  # first line only
        (QUESTION, "   ", None, "empty"),
        (QUESTION, FRENCH + " " + "et encore des mots sans fin " * 20, None, "too long"),
        (QUESTION, QUESTION, None, "not in the target language"),  # echoed in English
        (
            f"Which store does {TOKEN} manage in France?",
            "Quel magasin gère cette personne en France ?",
            None,
            "pseudonym token lost",
        ),
        (
            f"Which store does {TOKEN} manage in France?",
            f"Quel magasin {TOKEN} dirige-t-il en France ?",
            f"Quel magasin {TOKEN} dirige-t-il en France ?",
            "",
        ),
        ("Quel est le fond de caisse du magasin ?", "Quel est le fond de caisse du magasin ?", None, "question echoed"),
    ],
)
def test_only_a_checked_translation_is_used(question: str, output: str, expected: str | None, problem: str) -> None:
    translation = checked(question, _completion(output), "fr", LANGUAGES)
    assert (translation.text, translation.problem) == (expected, problem)


def test_the_translator_asks_for_the_target_language_with_greedy_decoding() -> None:
    chat = ScriptedChatModel(FRENCH)
    translation = LlmQueryTranslator(chat, LANGUAGES).translate(QUESTION, "en", "fr")
    assert translation.text == FRENCH and translation.completion is not None
    system, user = chat.calls[0]
    assert "into French" in system.content and user == ChatMessage("user", QUESTION)


def test_a_failed_request_means_no_translation_but_a_dead_endpoint_is_raised() -> None:
    failed = LlmQueryTranslator(ScriptedChatModel(LlmRequestError("400")), LANGUAGES).translate(QUESTION, "en", "fr")
    assert failed.text is None and failed.problem == "request failed: LlmRequestError"
    with pytest.raises(LlmUnavailableError):  # the fallback answerer takes over, as for generation
        LlmQueryTranslator(ScriptedChatModel(LlmUnavailableError("down")), LANGUAGES).translate(QUESTION, "en", "fr")


@pytest.fixture
def searcher() -> Searcher:
    index = InMemoryIndex()
    chunks = [
        Chunk(f"id-{doc}", doc, f"/d/{doc}.md", doc.title(), "", text, lang, ("store",), "h", 0)
        for doc, (lang, text) in DOCS.items()
    ]
    texts = [c.text for c in chunks]
    index.upsert(chunks, FakeEmbedder().embed_passages(texts), FakeSparseEncoder().encode_documents(texts, []))
    access = AccessPolicy({"store": ["store"]})
    return Searcher(FakeEmbedder(), FakeSparseEncoder(), index, access, languages=LANGUAGES, mode="sparse")


def test_wordings_are_fused_by_reciprocal_rank_within_the_first_ones_size(searcher: Searcher) -> None:
    asked = searcher.prepare_query(QUESTION, "store", 2)
    assert asked is not None
    alone = searcher.retrieve(asked)
    assert [h.chunk.doc_id for h in alone] == [h.chunk.doc_id for h in searcher.index.search(asked.request)]
    assert alone[0].chunk.doc_id == "dublin"
    translated = searcher.rephrase(asked, FRENCH, "fr")
    assert translated.request.access == asked.request.access and translated.language == "fr"
    fused = searcher.retrieve(asked, translated)
    assert len(fused) == 2 and {h.chunk.doc_id for h in fused} == {"dublin", "remise"}
    assert fused[0].score >= fused[1].score > 0
    # a chunk both wordings find adds up its shares and leads
    both = searcher.retrieve(translated, searcher.rephrase(asked, "remise du personnel magasins", "fr"))
    assert both[0].chunk.doc_id == "remise"


def _answerer(searcher: Searcher, chat: ScriptedChatModel, **llm: object) -> GroundedAnswerer:
    settings = AnswerSettings(min_relevance=0.2, min_sentence_support=0.1)
    extractive = ExtractiveAnswerer(searcher, settings, LANGUAGES)
    llm_settings = LlmSettings(min_answer_relevance=0.0, min_sentence_support=0.0, **llm)  # type: ignore[arg-type]
    translator = LlmQueryTranslator(chat, LANGUAGES)
    return GroundedAnswerer(searcher, chat, extractive, settings, llm_settings, LANGUAGES, translator=translator)


def test_an_english_question_finds_the_french_document_through_its_translation(searcher: Searcher) -> None:
    def answer_citing_remise(messages: list[ChatMessage]) -> str:
        number = re.search(r'<document id="(\d+)" source="remise\.md"', messages[1].content)
        assert number, "the French document is not in the context"
        return f"Employees of the French stores get 30 % off full-price items [{number.group(1)}]."

    chat = ScriptedChatModel(FRENCH, answer_citing_remise)
    answer = _answerer(searcher, chat).ask(QUESTION, "store")
    assert {"dublin", "remise"} <= {h.chunk.doc_id for h in answer.hits}
    assert "question_translated" in answer.flags and "translate" in answer.timings_ms
    assert not answer.refused and "30 %" in answer.answer and answer.language == "en"
    assert [c.chunk_id for c in answer.citations] == ["id-remise"]
    assert answer.prompt_tokens > 0  # the translation's usage is counted
    assert chat.calls[0][1].content == QUESTION  # the model is asked to translate the question it will answer


def test_an_unusable_translation_searches_the_question_as_asked(searcher: Searcher) -> None:
    chat = ScriptedChatModel(QUESTION, "The staff discount is the same as in France [1].")
    answer = _answerer(searcher, chat).ask(QUESTION, "store")
    assert "translation_unusable" in answer.flags and "question_translated" not in answer.flags
    assert "remise" not in {h.chunk.doc_id for h in answer.hits}


@pytest.mark.parametrize("targets", [[], ["en"]])
def test_no_translation_without_targets_or_in_the_questions_own_language(
    searcher: Searcher, targets: list[str]
) -> None:
    chat = ScriptedChatModel("The staff discount is the same as in France [1].")
    answer = _answerer(searcher, chat, translate_queries_to=targets).ask(QUESTION, "store")
    assert len(chat.calls) == 1 and not {"question_translated", "translation_unusable"} & set(answer.flags)


def test_translation_targets_must_be_languages_the_detector_knows() -> None:
    with pytest.raises(ConfigurationError, match="translate_queries_to"):
        load_settings(llm={"translate_queries_to": ["pt"]})
