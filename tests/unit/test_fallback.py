"""Fallback to the extractive answer when the LLM does not answer; the privacy boundary on streamed answers."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.fallback import FallbackAnswerer
from assistant.answering.grounded import GroundedAnswerer
from assistant.answering.ports import AnswerDelta, AnswerDone, AnswerEvent, stream_answer
from assistant.answering.revealing import RevealingAnswerer
from assistant.core.domain import Chunk
from assistant.core.embedding import Vectors
from assistant.llm.client_settings import LlmSettings
from assistant.llm.ports import LlmRequestError, LlmUnavailableError
from assistant.retrieval.access import AccessPolicy
from assistant.retrieval.searcher import Searcher
from assistant.settings import AnswerSettings
from tests.fakes import FakeEmbedder, FakeProtector, FakeSparseEncoder, InMemoryIndex, ScriptedChatModel

pytestmark = pytest.mark.unit
QUESTION = "Combien de jours pour retourner un article avec son ticket de caisse ?"
GOOD = "Le client a 30 jours pour retourner un article avec son ticket [1]."
DOWN = LlmUnavailableError("LLM endpoint http://127.0.0.1:9/v1 is unreachable")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class SpyEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        self.seen += texts
        return super().embed_passages(texts)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        self.seen += texts
        return super().embed_queries(texts)


def _searcher(embedder: FakeEmbedder) -> Searcher:
    index = InMemoryIndex()
    text = "Le client dispose de 30 jours pour retourner un article avec son ticket de caisse."
    chunk = Chunk("id-retours", "retours", "/d/retours.md", "Retours", "", text, "fr", ("store",), "h", 0)
    index.upsert([chunk], FakeEmbedder().embed_passages([text]), FakeSparseEncoder().encode_documents([text], []))
    protector = FakeProtector()
    return Searcher(
        embedder,
        FakeSparseEncoder(),
        index,
        AccessPolicy({"store": ["store"]}),
        languages=["fr", "en"],
        protect_query=lambda q, _: protector.protect([q], ["fr"])[0].text,
    )


def build(chat: ScriptedChatModel, clock: Clock) -> tuple[FallbackAnswerer, ExtractiveAnswerer]:
    searcher = _searcher(FakeEmbedder())
    settings = AnswerSettings(min_relevance=0.2, min_sentence_support=0.1)
    extractive = ExtractiveAnswerer(searcher, settings, ["fr", "en"])
    llm = LlmSettings(min_answer_relevance=0.2)  # bag-of-words cosines are not e5's
    grounded = GroundedAnswerer(searcher, chat, extractive, settings, llm, ["fr", "en"])
    return FallbackAnswerer(grounded, extractive, cooldown_s=30, clock=clock), extractive


def test_unavailable_model_gives_the_extractive_answer_with_a_notice_in_the_question_language() -> None:
    clock = Clock()
    answerer, _ = build(ScriptedChatModel(DOWN), clock)
    answer = answerer.ask(QUESTION, "store")
    assert (answer.mode, answer.fallback, answer.refused) == ("extractive", True, False)
    assert "30 jours" in answer.answer
    assert (
        answer.notice
        == "Le modèle génératif est indisponible pour le moment : voici les passages exacts des documents."
    )
    assert "llm_unavailable" in answer.flags
    english = answerer.ask("How many days to return an item with the receipt?", "store")
    assert english.notice.startswith("The generative model is unavailable") or english.refused


def test_after_a_failure_the_model_rests_then_is_tried_again() -> None:
    clock = Clock()
    chat = ScriptedChatModel(DOWN, GOOD)
    answerer, _ = build(chat, clock)
    assert answerer.ask(QUESTION, "store").fallback
    resting = answerer.ask(QUESTION, "store")
    assert "llm_resting" in resting.flags
    assert len(chat.calls) == 1  # no time lost on a dead endpoint
    clock.now += 31
    back = answerer.ask(QUESTION, "store")
    assert (back.mode, back.fallback) == ("generative", False)
    assert len(chat.calls) == 2


def test_failure_mid_stream_ends_with_the_fallback_answer() -> None:
    chat = ScriptedChatModel((GOOD + " Les articles soldés", DOWN), fragment=5)
    answerer, _ = build(chat, Clock())
    events = list(answerer.stream(QUESTION, "store"))
    assert any(isinstance(e, AnswerDelta) for e in events)  # the first sentence was already shown
    final = events[-1]
    assert isinstance(final, AnswerDone)
    assert final.answer.fallback
    assert final.answer.mode == "extractive"


def test_request_errors_are_not_hidden_by_the_fallback() -> None:
    answerer, _ = build(ScriptedChatModel(LlmRequestError("rejected the API key; set ASSISTANT_LLM_API_KEY")), Clock())
    with pytest.raises(LlmRequestError, match="ASSISTANT_LLM_API_KEY"):
        answerer.ask(QUESTION, "store")


def test_revealing_answerer_passes_streamed_sentences_through_the_boundary() -> None:
    answerer, _ = build(ScriptedChatModel(GOOD), Clock())
    seen: list[tuple[str, str, str]] = []

    def reveal(text: str, role: str, language: str) -> str:
        seen.append((text, role, language))
        return text.upper()

    events: list[AnswerEvent] = list(RevealingAnswerer(answerer, reveal).stream(QUESTION, "store"))
    deltas = [e.text for e in events if isinstance(e, AnswerDelta)]
    assert deltas == [GOOD.upper()]
    final = events[-1]
    assert isinstance(final, AnswerDone)
    assert final.answer.answer == GOOD.upper()
    assert {(role, language) for _, role, language in seen} == {("store", "fr")}


def test_stream_answer_adapts_answerers_without_streaming() -> None:
    _, extractive = build(ScriptedChatModel(GOOD), Clock())
    events = list(stream_answer(extractive, QUESTION, "store"))
    assert isinstance(events[0], AnswerDelta)
    assert isinstance(events[1], AnswerDone)
    assert events[0].text == events[1].answer.answer


def test_extractive_answer_never_embeds_the_raw_question() -> None:
    embedder = SpyEmbedder()
    settings = AnswerSettings(min_relevance=0.2, min_sentence_support=0.1)
    extractive = ExtractiveAnswerer(_searcher(embedder), settings, ["fr"])
    answer = extractive.ask(
        "Mme Dupont veut retourner un article avec son ticket de caisse : combien de jours ?", "store"
    )
    assert not answer.refused
    assert embedder.seen
    assert all("Dupont" not in text for text in embedder.seen)
    assert sum("<PERSON_0>" in text for text in embedder.seen) == 1  # the search's vector is reused, not recomputed
