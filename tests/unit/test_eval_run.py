"""``assistant eval run`` parts: suites, the results' shape, the quality gate, the question set validation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.core.domain import Answer, Chunk, Citation, SearchHit
from assistant.finops.settings import CostSettings
from assistant.gate_settings import GateSettings
from assistant.retrieval.access import AccessPolicy
from assistant.retrieval.searcher import Searcher
from eval import run as runs
from eval.gate import gate, lookup, verdict
from eval.generation import evaluate_generation
from eval.golden import GoldenQuestion, load_golden
from tests.fakes import FakeEmbedder, FakeSparseEncoder, InMemoryIndex

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "suites"),
    [
        ("all", ("retrieval", "answers", "pii")),
        ("pii,retrieval", ("retrieval", "pii")),
        ("refusal", ("answers",)),
        ("latency, retrieval", ("retrieval", "answers")),
    ],
)
def test_suites_are_parsed_in_their_order(text: str, suites: tuple[str, ...]) -> None:
    assert runs.parse_suites(text) == suites


@pytest.mark.parametrize("text", ["", "answer", "all,speed"])
def test_unknown_suite_is_named(text: str) -> None:
    with pytest.raises(ValueError, match="suite"):
        runs.parse_suites(text)


DOCS = {
    "retours": "Le client dispose de 30 jours pour retourner un article avec son ticket de caisse.",
    "caisse": "Le fond de caisse est de 150 euros, compté à l'ouverture et à la fermeture.",
    "livraison": "La livraison à domicile est gratuite dès 50 euros d'achat.",
}


def _searcher() -> Searcher:
    embedder, index = FakeEmbedder(), InMemoryIndex()
    chunks = [Chunk(f"00000000-0000-0000-0000-00000000000{i}", doc, f"/d/{doc}.md", doc.title(), "", text, "fr",
                    ("store",), "h", 0) for i, (doc, text) in enumerate(DOCS.items())]  # fmt: skip
    texts = [c.text for c in chunks]
    index.upsert(chunks, embedder.embed_passages(texts), FakeSparseEncoder().encode_documents(texts, []))
    return Searcher(embedder, FakeSparseEncoder(), index, AccessPolicy({"store": ["store"]}), languages=["fr"])


def test_retrieval_suite_scores_every_mode_and_the_configured_search() -> None:
    questions = [
        GoldenQuestion("q1", "Combien de jours pour retourner un article avec ticket ?", "fr", ("retours",), True),
        GoldenQuestion("q2", "Quel est le fond de caisse à l'ouverture ?", "en", ("caisse",), True),
        GoldenQuestion("q3", "Le wifi ?", "fr", (), False),  # no gold: not a retrieval question
        GoldenQuestion("q4", "Salaire ?", "fr", ("paie",), False, acl_denied=True),  # a negative test
    ]
    suite = runs.retrieval_suite(_searcher(), questions, ("dense", 1))
    assert suite["questions"] == 2 and set(suite["modes"]) == {"dense", "sparse", "hybrid", "configured"}
    for metrics in suite["modes"].values():
        curve = metrics["recall_curve"]
        assert len(curve) == 10 and curve == sorted(curve)  # recall at k never falls as k grows
        assert (metrics["hit@1"], metrics["hit@5"], metrics["hit@10"]) == (curve[0], curve[4], curve[9])
        assert set(metrics["by_language"]) == {"fr", "en"}
    configured = suite["modes"]["configured"]
    assert configured["hit@10"] == configured["hit@1"]  # one chunk retrieved: nothing found below rank 1
    assert suite["modes"]["sparse"]["hit@1"] == 1.0  # the fake BM25 matches the words
    ranks = {row["id"]: row["ranks"] for row in suite["per_question"]}
    assert ranks["q1"]["sparse"] == 1 and set(ranks) == {"q1", "q2"}


def _answers_report() -> tuple[list[GoldenQuestion], dict[str, object]]:
    hits = [SearchHit(Chunk("a", "r", "/d.md", "T", "", "t", "fr", ("store",), "h", 0), 1.0)]
    cited = [Citation("/d.md", "a", "T")]
    ok = Answer("Le client a 30 jours [1].", cited, False, "fr", "generative", hits=hits, prompt_tokens=900,
                completion_tokens=40, timings_ms={"generate": 3_600_000.0})  # fmt: skip
    wrong = Answer("Le client a 15 jours [1].", cited, False, "fr", "generative", hits=hits)
    refusal = Answer("Je n'ai pas trouvé la réponse dans les documents.", [], True, "fr", "generative")
    questions = [
        GoldenQuestion("q1", "Combien de jours Jean Dupont ?", "fr", ("r",), True, "store", ("30 jours",)),
        GoldenQuestion("q2", "Combien de jours encore ?", "fr", ("r",), True, "hr", ("30 jours",)),
        GoldenQuestion("q3", "Et le délai ?", "fr", ("r",), True, "store", ("30 jours",)),
        GoldenQuestion("q4", "Le wifi ?", "fr", (), False),
        GoldenQuestion("q5", "Salaire du directeur ?", "fr", (), False, acl_denied=True),
    ]
    canned = {"Combien de jours Jean Dupont ?": ok, "Combien de jours encore ?": wrong, "Et le délai ?": refusal,
              "Le wifi ?": refusal, "Salaire du directeur ?": ok}  # fmt: skip

    class Canned:
        def ask(self, question: str, role: str, *, store: str | None = None) -> Answer:
            return canned[question]

    report = evaluate_generation(Canned(), questions, ["fr", "en"])
    costs = CostSettings(method="gpu_hour", gpu_hour=2.0, concurrency=1.0)
    return questions, runs.answers_suite(report, questions, costs)


def test_answers_suite_counts_outcomes_refusals_and_cost() -> None:
    _, suite = _answers_report()
    assert suite["outcomes"] == {"correct": 1, "refused": 1, "wrong": 1}
    assert suite["by_use_case"] == {"hr": {"correct": 0, "refused": 0, "wrong": 1},
                                    "store": {"correct": 1, "refused": 1, "wrong": 0}}  # fmt: skip
    assert suite["refusal_confusion"] == {"answerable": {"answered": 2, "refused": 1},
                                          "unanswerable": {"answered": 1, "refused": 1}}  # fmt: skip
    outcomes = {row["id"]: row["outcome"] for row in suite["per_question"]}  # type: ignore[attr-defined]
    assert outcomes == {"q1": "correct", "q2": "wrong", "q3": "refused", "q4": "refused", "q5": "answered"}
    assert suite["tokens"]["cost_per_answer"] == pytest.approx(2.0 * 2 / 5)  # type: ignore[index]
    assert len(suite["latency"]["answer_ms"]) == 5  # type: ignore[index]


def test_results_hold_no_question_or_answer_text(tmp_path: Path) -> None:
    questions, suite = _answers_report()
    dataset = tmp_path / "q.jsonl"
    dataset.write_text("\n".join(json.dumps({"question": q.question}) for q in questions))
    results = runs.results({"answers": suite}, runs.dataset_info(dataset, 5), {"top_k": 5}, None)
    text = json.dumps(results, ensure_ascii=False)
    assert "Dupont" not in text and "jours" not in text and "wifi" not in text.lower()


def test_gate_fails_below_a_minimum_and_reports_what_was_not_measured() -> None:
    results = {"suites": {"retrieval": {"modes": {"hybrid": {"hit@5": 0.7, "mrr": 0.9}}}, "pii": {"brands_flagged": 2}}}
    settings = GateSettings(minimums={"retrieval.modes.hybrid.hit@5": 0.8, "retrieval.modes.hybrid.mrr": 0.5,
                                      "answers.rates.citations_valid": 1.0},
                            maximums={"pii.brands_flagged": 0})  # fmt: skip
    outcome = verdict(gate(results, settings))
    assert not outcome["passed"]
    assert [f["metric"] for f in outcome["failures"]] == ["retrieval.modes.hybrid.hit@5", "pii.brands_flagged"]
    assert outcome["not_measured"] == ["answers.rates.citations_valid"]
    assert lookup(results, "retrieval.modes.hybrid") is None  # a table, not a number
    assert verdict(gate(results, GateSettings(minimums={"retrieval.modes.hybrid.mrr": 0.5}, maximums={})))["passed"]


@pytest.mark.parametrize("path", ["answers.latency.answer_p50_ms", "answers.tokens.cost_per_answer", "speed.x"])
def test_gate_settings_refuse_timings_cost_and_unknown_suites(path: str) -> None:
    with pytest.raises(ValueError, match=path.replace(".", r"\.")):
        GateSettings(minimums={path: 1.0})


def test_gate_command_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_GATE_MINIMUMS", '{"retrieval.modes.hybrid.hit@5": 0.8}')
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "results.json"
    for value, code in ((0.9, 0), (0.5, 1)):
        path.write_text(json.dumps({"schema": 1, "suites": {"retrieval": {"modes": {"hybrid": {"hit@5": value}}}}}))
        result = CliRunner().invoke(app, ["eval", "gate", str(path)])
        assert result.exit_code == code, result.output
    assert "retrieval.modes.hybrid.hit@5 = 0.5" in result.output
    path.write_text('{"not": "results"}')
    assert CliRunner().invoke(app, ["eval", "gate", str(path)]).exit_code == 2


def test_previous_run_becomes_the_baseline(tmp_path: Path) -> None:
    assert runs.keep_previous(tmp_path) is None
    (tmp_path / "results.json").write_text("{}")
    (tmp_path / "report.html").write_text("<html>")
    assert runs.keep_previous(tmp_path) == tmp_path / "previous" / "results.json"
    assert not (tmp_path / "results.json").exists() and (tmp_path / "previous" / "report.html").is_file()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"question": "Q ?", "anwerable": false}', "unknown field anwerable"),
        ('{"question": ""}', "'question' must be a non-empty string"),
        ('{"question": "Q ?", "gold": "retours"}', "'gold' must be a list of strings"),
        ('{"question": "Q ?", "answerable": "no"}', "'answerable' must be true or false"),
        ('{"question": "Q ?", "store": 12}', "'store' must be a string or null"),
        ("[1, 2]", "not a JSON object"),
        ('{"question": "Q ?",', "not JSON"),
    ],
)
def test_a_bad_question_line_is_named(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text('{"id": "a", "question": "Bonjour ?", "tags": ["x"], "store": "lyon-01"}\n\n' + line + "\n")
    with pytest.raises(ValueError, match=rf"set\.jsonl:3: {message}"):
        load_golden(path)


def test_ids_are_unique_and_new_fields_load(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text('{"id": "a", "question": "Q ?", "tags": ["harvested"], "store": "lyon-01"}\n')
    (q,) = load_golden(path)
    assert q.tags == ("harvested",) and q.store == "lyon-01" and q.answerable
    path.write_text('{"id": "a", "question": "Q ?"}\n{"id": "a", "question": "R ?"}\n')
    with pytest.raises(ValueError, match="id 'a' already used on line 1"):
        load_golden(path)
