"""Generation evaluation: keyword matching rules and the scoring of answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.answering.ports import AnswerDelta, AnswerDone, AnswerEvent
from assistant.core.domain import Answer, Chunk, Citation, SearchHit
from eval.generation import citations_valid, evaluate_generation, has_keyword
from eval.golden import GoldenQuestion

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("answer", "keyword", "found"),
    [
        ("Le client a 30 jours.", "30 jours", True),
        ("LE CLIENT A 30   JOURS", "30 jours", True),
        ("130 jours", "30", False),
        ("30,5 jours", "30", False),
        ("1 500 €", "1 500", True),
        ("1500 euros", "1 500", True),
        ("1,500 euros", "1 500", True),
        ("28.4 euros", "28,40", True),
        ("139,00 €", "139", True),
        ("2 017 € brut", "2 017", True),
        ("Format CL- suivi de 10 chiffres", "CL-", True),
        ("l'identite est verifiee", "identité", True),
        ("Aucun", "un seul", False),
    ],
)
def test_keyword_matching(answer: str, keyword: str, found: bool) -> None:
    assert has_keyword(answer, keyword) is found


def _chunk(chunk_id: str) -> Chunk:
    return Chunk(chunk_id, "d", "/d.md", "T", "", "texte", "fr", ("store",), "h", 0)


@pytest.mark.parametrize(
    ("text", "cited", "retrieved", "valid"),
    [
        ("Réponse [1].", ["a"], ["a", "b"], True),
        ("Réponse [2].", ["a"], ["a"], False),  # marker without a citation
        ("Réponse [1].", ["z"], ["a"], False),  # citation of a chunk that was not retrieved
        ("Refus.", [], [], True),
    ],
)
def test_citation_validity(text: str, cited: list[str], retrieved: list[str], valid: bool) -> None:
    answer = Answer(
        text,
        [Citation("/d.md", c, "T") for c in cited],
        False,
        "fr",
        "generative",
        hits=[SearchHit(_chunk(r), 1.0) for r in retrieved],
    )
    assert citations_valid(answer) is valid


class CannedAnswerer:
    def __init__(self, answers: dict[str, Answer]) -> None:
        self.answers = answers
        self.roles: list[str] = []

    def ask(self, question: str, role: str, *, store: str | None = None) -> Answer:
        self.roles.append(role)
        return self.answers[question]


def test_report_rates_per_kind() -> None:
    hits = [SearchHit(_chunk("a"), 1.0)]
    ok = Answer("Le client a 30 jours [1].", [Citation("/d.md", "a", "T")], False, "fr", "generative", hits=hits)
    wrong = Answer("Le client a 15 jours [1].", [Citation("/d.md", "a", "T")], False, "fr", "generative", hits=hits)
    refusal = Answer("Je n'ai pas trouvé la réponse dans les documents.", [], True, "fr", "generative")
    english_refusal = Answer("I could not find the answer in the documents.", [], True, "en", "generative")
    questions = [
        GoldenQuestion("q1", "Combien de jours ?", "fr", ("r",), True, "store", ("30 jours",)),
        GoldenQuestion("q2", "Combien de jours encore ?", "fr", ("r",), True, "hr", ("30 jours",)),
        GoldenQuestion("q3", "Le wifi ?", "fr", (), False),
        GoldenQuestion("q4", "Salaire du directeur ?", "fr", (), False, acl_denied=True),
        GoldenQuestion("q5", "Wifi password?", "en", (), False),
    ]
    answerer = CannedAnswerer(
        {"Combien de jours ?": ok, "Combien de jours encore ?": wrong, "Le wifi ?": refusal,
         "Salaire du directeur ?": ok, "Wifi password?": english_refusal}
    )  # fmt: skip
    summary = evaluate_generation(answerer, questions, ["fr", "en"]).summary()
    assert answerer.roles == ["store", "hr", "store", "store", "store"]
    assert summary["answered_correctly"] == 0.5
    assert summary["unanswerable_refused"] == 1.0
    assert summary["acl_denied_refused"] == 0.0
    assert summary["citations_valid"] == 1.0
    assert summary["language_match"] == 1.0
    assert summary["by_kind"] == {"answerable": 2, "unanswerable": 2, "acl_denied": 1}
    assert summary["targets_met"]["acl_denied_refused"] is False


class StreamingAnswerer(CannedAnswerer):
    """Streams two sentences, the clock moving 2 s before each event; ``ask`` is not what staff use."""

    def __init__(self, answers: dict[str, Answer], clock: list[float]) -> None:
        super().__init__(answers)
        self.clock = clock

    def ask(self, question: str, role: str, *, store: str | None = None) -> Answer:
        raise AssertionError("the evaluation must take the streamed path, as the chat and `assistant ask` do")

    def stream(self, question: str, role: str, *, store: str | None = None) -> Iterator[AnswerEvent]:
        answer = self.answers[question]
        for sentence in answer.answer.split(" | "):
            self.clock[0] += 2.0
            yield AnswerDelta(sentence, answer.language)
        self.clock[0] += 2.0
        yield AnswerDone(answer)


def test_questions_are_asked_through_the_stream_and_the_first_sentence_is_timed() -> None:
    hits = [SearchHit(_chunk("a"), 1.0)]
    streamed = Answer("Le client a 30 jours [1]. | Sous 14 jours en soldes [1].", [Citation("/d.md", "a", "T")],
                      False, "fr", "generative", hits=hits)  # fmt: skip
    refusal = Answer("Je n'ai pas trouvé la réponse dans les documents.", [], True, "fr", "generative")
    clock = [0.0]
    answerer = StreamingAnswerer({"Combien de jours ?": streamed, "Le wifi ?": refusal}, clock)
    questions = [
        GoldenQuestion("q1", "Combien de jours ?", "fr", ("r",), True, "store", ("30 jours",)),
        GoldenQuestion("q2", "Le wifi ?", "fr", (), False),
    ]
    report = evaluate_generation(answerer, questions, ["fr", "en"], clock=lambda: clock[0])
    first, second = report.results
    assert (first.ok, first.first_sentence_ms, first.latency_ms) == (True, 2000.0, 6000.0)
    assert (second.ok, second.first_sentence_ms, second.latency_ms) == (True, 2000.0, 4000.0)
    assert report.summary()["first_sentence_p50_ms"] == 2000.0
