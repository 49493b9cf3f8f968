"""Follow-up questions made standalone: the rule that decides, the model's rewrite (checked), the fallback without a
model, and the service's conversation (the asker's own previous answer only, recorded, revealed like the answer)."""

from __future__ import annotations

import pytest

from assistant.answering.followup import FollowUps, needs_previous
from assistant.core.errors import InvalidInputError
from assistant.llm.ports import LlmUnavailableError
from assistant.service import Asker
from audit.log import AuditLog
from tests.fakes import ScriptedChatModel
from tests.unit.test_service import RAW_NAME, TOKEN, ScriptedAnswerer, log, records, service

pytestmark = pytest.mark.unit
__all__ = ["log"]  # the audit log fixture, shared with the service tests
PREVIOUS = "Combien de jours un client a-t-il pour retourner un article ?"


@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        ("Et pendant les soldes ?", "fr", True),
        ("Mais s'il a perdu son ticket ?", "fr", True),
        ("Il y a un plafond ?", "fr", True),
        ("À partir de quel montant ?", "fr", True),
        ("What about during the sales?", "en", True),
        ("And for part-time staff?", "en", True),
        ("¿Y para los empleados a tiempo parcial?", "es", True),
        ("Und für Teilzeitkräfte?", "de", True),
        ("E per i dipendenti part-time?", "it", True),
        ("Quelles sont les dates des soldes d'hiver 2025 ?", "fr", False),
        ("Comment fonctionne l'opération 3 pour 2 ?", "fr", False),
        ("How many days does a customer have to return an item?", "en", False),
        ("", "fr", False),
    ],
)
def test_which_questions_need_the_previous_one(question: str, language: str, expected: bool) -> None:
    assert needs_previous(question, language) is expected


def test_without_a_model_the_follow_up_is_searched_with_the_subject_of_the_conversation() -> None:
    standalone = FollowUps().standalone("Et pendant les soldes ?", PREVIOUS, "fr")
    assert standalone.text == f"{PREVIOUS} Et pendant les soldes ?"
    assert (standalone.rewritten, standalone.how) == (True, "context")
    assert FollowUps().standalone("Quelles sont les dates des soldes d'hiver 2025 ?", PREVIOUS, "fr").rewritten is False


CONTEXT = f"{PREVIOUS} Et {TOKEN} pendant les soldes ?"  # what is searched when the model's rewrite is not used


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        pytest.param(
            f"Question autonome : Combien de jours pour que {TOKEN} retourne un article soldé ?",
            f"Combien de jours pour que {TOKEN} retourne un article soldé ?",
            id="label-taken-off",
        ),
        pytest.param(LlmUnavailableError("down"), CONTEXT, id="model-down"),
        pytest.param("Combien de jours pendant les soldes ?", CONTEXT, id="token-lost"),
        pytest.param(f"Et {TOKEN} pendant les soldes ?", CONTEXT, id="question-echoed"),
    ],
)
def test_the_models_rewrite_is_used_only_when_it_keeps_every_token_and_changes_something(
    reply: str | Exception, expected: str
) -> None:
    chat = ScriptedChatModel(reply)
    standalone = FollowUps(chat).standalone(f"Et {TOKEN} pendant les soldes ?", PREVIOUS, "fr")
    assert standalone.text == expected
    assert PREVIOUS in chat.calls[0][1].content and "soldes" in chat.calls[0][1].content


def test_a_follow_up_is_answered_from_the_askers_previous_question_and_recorded(log: AuditLog) -> None:
    answerer = ScriptedAnswerer()
    svc = service(log, answerer)
    first = svc.ask("Qui valide les retours ?", Asker("hr", "jdupont"))
    follow = svc.ask(f"Et pour {RAW_NAME} ?", Asker("hr", "jdupont"), follow_up_of=first.audit_seq)
    sent = answerer.questions[-1]
    assert sent == f"Qui valide les retours, {TOKEN} ? Et pour {TOKEN} ?"  # pseudonymized, with its context
    assert RAW_NAME not in sent
    assert follow.understood == f"Qui valide les retours, {RAW_NAME} ? Et pour {RAW_NAME} ?"  # revealed for hr
    stored = records(log)[-1]
    assert stored["extra"]["follow_up_of"] == first.audit_seq and stored["extra"]["follow_up"] == "context"  # type: ignore[index]
    assert svc.ask("Et pour un autre ?", Asker("store", "jdupont"), first.audit_seq).understood.count(TOKEN) == 1


@pytest.mark.parametrize(
    ("asker", "seq", "message"),
    [
        (Asker("hr", "someone-else"), 1, "not given to you"),
        (Asker("hr", "jdupont"), 99, "no answer #99"),
    ],
)
def test_only_ones_own_answer_can_be_followed_up(log: AuditLog, asker: Asker, seq: int, message: str) -> None:
    svc = service(log, ScriptedAnswerer())
    svc.ask("Qui valide les retours ?", Asker("hr", "jdupont"))
    with pytest.raises(InvalidInputError, match=message):
        svc.ask("Et pendant les soldes ?", asker, follow_up_of=seq)
    assert len(records(log)) == 2  # the refused follow-up is recorded too
