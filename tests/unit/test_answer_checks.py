"""The answer checks as a registry: every check has a purpose and an action, the settings choose them by name (the
safety ones cannot be left out), each one changes the answer when disabled, and the ablation counts what each
contributes."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from assistant.answering.checks import ACTIONS, ALL, NAMES, REGISTRY, SAFETY, Checks
from assistant.answering.fallback import FallbackAnswerer
from assistant.answering.ports import AnswerDone
from assistant.core.domain import Answer
from assistant.embeddings.memo import MemoEmbedder
from assistant.llm.client_settings import LlmSettings
from eval.ablation import PAYS_AT, contributions, outcome, run_ablation, table
from eval.generation import QuestionResult
from eval.golden import GoldenQuestion
from tests.fakes import ScriptedChatModel
from tests.unit.test_grounded import QUESTION, Factory, embedder, make, retours  # noqa: F401  (fixtures)

pytestmark = pytest.mark.unit


def test_every_check_has_a_one_line_purpose_and_a_known_action() -> None:
    assert len(set(NAMES)) == len(NAMES)
    for check in REGISTRY:
        assert check.action in ACTIONS, check
        assert check.purpose and "\n" not in check.purpose and len(check.purpose) < 120, check
    # the safety checks: numbers the context does not state, quarantine of injected instructions
    assert {"stated_numbers", "injection_echo"} == SAFETY


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["support", "bogus"], "unknown answer check(s) ['bogus']"),
        ([n for n in NAMES if n != "stated_numbers"], "safety check(s) ['stated_numbers'] cannot be disabled"),
    ],
)
def test_settings_choose_checks_by_name_and_keep_the_safety_ones(value: list[str], message: str) -> None:
    assert LlmSettings().answer_checks == list(NAMES)
    with pytest.raises(ValidationError, match=re.escape(message)):
        LlmSettings(answer_checks=value)
    assert LlmSettings(answer_checks=["stated_numbers", "injection_echo"]).answer_checks == [
        "stated_numbers",
        "injection_echo",
    ]
    with pytest.raises(ValueError, match="unknown answer check"):
        Checks.of(["nope"])


LOOSE = (
    "Le client peut retourner un article avec son ticket chez un partenaire agréé du réseau régional lyonnais [{r}]."
)
BARCELONA = "Quel est le fond de caisse dans la boutique de Barcelone ?"
ONE_SUPPORTED_TWO_NOT = (
    "Le client a 30 jours pour retourner un article avec son ticket [{r}]. La direction régionale valide chaque "
    "remboursement exceptionnel. Le responsable signe un formulaire spécial."
)


@pytest.mark.parametrize(
    ("check", "question", "reply", "with_check", "without"),
    [
        ("stated_numbers", QUESTION, "Le client a 30 jours pour retourner 2 articles avec son ticket [{r}].",
         lambda a: a.refused, lambda a: "2 articles" in a.answer),
        ("anchored_figures", BARCELONA, "Le fond de caisse est de 150 euros [{c}].",
         lambda a: "150" not in a.answer, lambda a: "150 euros" in a.answer),
        ("misplaced_requote", BARCELONA, "Le fond de caisse est de 150 euros [{c}].",
         lambda a: "200" in a.answer, lambda a: a.refused and "ungrounded" in a.flags),
        ("evidence_quote", QUESTION, "Oui, c'est encore possible [{r}].",
         lambda a: "« Le client dispose de 30 jours" in a.answer, lambda a: a.refused),
        ("relevance", QUESTION, "Le fond de caisse est de 150 euros [{c}].",
         lambda a: "off_topic" in a.flags, lambda a: not a.refused),
        ("citation_repair", QUESTION, "Le client a 30 jours pour retourner un article avec son ticket [7].",
         lambda a: "citation_repaired" in a.flags, lambda a: a.refused),
        ("grounded_share", QUESTION, ONE_SUPPORTED_TWO_NOT,
         lambda a: a.refused and "ungrounded" in a.flags, lambda a: a.answer.startswith("Le client a 30 jours")),
        ("model_refusal", QUESTION, "NO_ANSWER. Le client a 30 jours pour retourner un article avec son ticket [{r}].",
         lambda a: "model_refused" in a.flags, lambda a: "30 jours" in a.answer),
        ("asks_question", QUESTION, "Quel ticket ? Le client a 30 jours pour retourner un article [{r}].",
         lambda a: "question_dropped" in a.flags, lambda a: "question_dropped" not in a.flags),
        ("restates_question", "Un client peut-il retourner un article avec son ticket de caisse ?",
         "Oui, un client peut retourner un article avec son ticket de caisse [{r}].",
         lambda a: "restatement_dropped" in a.flags, lambda a: a.answer.startswith("Oui, un client peut")),
        ("language_retry", QUESTION, "The customer has 30 days to return an item with the receipt [{r}].",
         lambda a: "language_retry" in a.flags, lambda a: "language_retry" not in a.flags and not a.fallback),
        ("support", QUESTION, LOOSE,
         lambda a: a.refused, lambda a: not a.refused),
    ],
)  # fmt: skip
def test_each_check_changes_the_answer_when_disabled(
    make: Factory,  # noqa: F811
    check: str,
    question: str,
    reply: str,
    with_check: Callable[[Answer], bool],
    without: Callable[[Answer], bool],
) -> None:
    answers = {}
    for checks in (ALL, ALL.without(check)):
        chat = ScriptedChatModel(retours(reply), retours(reply))  # a retry gets the same reply
        answerer = make(chat).with_checks(checks)
        answers[check in checks] = next(
            e.answer for e in answerer.stream(question, "store") if isinstance(e, AnswerDone)
        )
    assert with_check(answers[True]), answers[True]
    assert without(answers[False]), answers[False]


def _result(kind: str, ok: bool, refused: bool) -> QuestionResult:
    answer = Answer("", [], refused, "fr", "generative")
    return QuestionResult("q", kind, ok, refused, True, True, 1.0, answer)


@pytest.mark.parametrize(
    ("kind", "ok", "refused", "expected"),
    [
        ("answerable", True, False, "correct"),
        ("answerable", False, False, "wrong"),
        ("answerable", False, True, "refused_should_answer"),
        ("unanswerable", False, False, "answered_should_refuse"),
        ("acl_denied", True, True, "refused_right"),
    ],
)
def test_outcomes(kind: str, ok: bool, refused: bool, expected: str) -> None:
    assert outcome(_result(kind, ok, refused)) == expected


def _report(dataset: str, base: dict[str, str], variants: dict[str, dict[str, str]]) -> dict[str, Any]:
    return {
        "dataset": dataset,
        "questions": len(base),
        "baseline": {"counts": {}, "outcomes": base},
        "variants": [{"disabled": name, "counts": {}, "outcomes": o} for name, o in variants.items()],
    }


def test_contributions_are_net_questions_lost_over_every_set() -> None:
    a = _report(
        "golden",
        {"1": "correct", "2": "refused_right", "3": "wrong"},
        {"support": {"1": "wrong", "2": "refused_right", "3": "wrong"},
         "relevance": {"1": "correct", "2": "answered_should_refuse", "3": "correct"},
         "stated_numbers": {"1": "correct", "2": "refused_right", "3": "wrong"}},
    )  # fmt: skip
    b = _report(
        "heldout",
        {"1": "correct", "2": "refused_should_answer"},
        {"support": {"1": "wrong", "2": "refused_should_answer"},
         "relevance": {"1": "correct", "2": "correct"},
         "stated_numbers": {"1": "correct", "2": "refused_should_answer"}},
    )  # fmt: skip
    found = {c.check: c for c in contributions([a, b])}
    assert (found["support"].net, found["support"].per_set) == (2, {"golden": 1, "heldout": 1})
    assert found["support"].pays and PAYS_AT == 2
    assert (found["relevance"].lost, found["relevance"].gained, found["relevance"].net) == (1, 2, -1)
    assert not found["relevance"].pays
    assert found["stated_numbers"].safety and found["stated_numbers"].net == 0
    printed = table([a, b])
    assert "safety: stays" in printed and "does not pay" in printed and "2 x correct -> wrong" in printed


def test_the_ablation_answers_the_set_once_per_check_disabled(make: Factory) -> None:  # noqa: F811
    question = GoldenQuestion("g1", BARCELONA, "fr", ("caisse",), True, expected_keywords=("200",))
    seen: list[frozenset[str]] = []

    def answerer_for(checks: Checks) -> FallbackAnswerer:
        seen.append(checks.enabled)
        chat = ScriptedChatModel(retours("Le fond de caisse est de 150 euros [{c}]."))
        return FallbackAnswerer(make(chat), make(chat)).with_checks(checks)

    report = run_ablation(answerer_for, [question], ["fr", "en"], dataset="t", names=["misplaced_requote", "neutral"])
    assert seen == [ALL.enabled, ALL.without("misplaced_requote").enabled, ALL.without("neutral").enabled]
    assert report.baseline.outcomes == {"g1": "correct"}  # the Barcelona line is quoted in place of the 150
    variants = {v.disabled: v.outcomes for v in report.variants}
    assert variants == {"misplaced_requote": {"g1": "refused_should_answer"}, "neutral": {"g1": "correct"}}


def test_a_memo_shared_by_the_ablation_embeds_each_context_once(make: Factory, embedder: Any) -> None:  # noqa: F811
    memo = MemoEmbedder(embedder)
    grown = []
    for _ in range(2):
        before = len(embedder.seen)
        chat = ScriptedChatModel(retours("Le client a 30 jours pour retourner un article avec son ticket [{r}]."))
        answer = make(chat).with_checks(ALL, memo).ask(QUESTION, "store")
        assert not answer.refused
        grown.append(len(embedder.seen) - before)
    assert grown[0] > 5 and grown[1] <= 2  # the second time only the question itself is embedded
