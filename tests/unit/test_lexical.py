"""Lexical helpers of the support checks: number words, a yes/no that only restates the question."""

from __future__ import annotations

import pytest

from assistant.answering.lexical import content_terms, restates

pytestmark = pytest.mark.unit

CUMUL = "Un client peut-il cumuler deux bons de réduction sur un même passage en caisse ?"
FONTE = "Est-ce que les cocottes en fonte profitent de l'offre trois articles pour le prix de deux ?"


@pytest.mark.parametrize(
    ("sentence", "question", "language", "restated"),
    [
        ("Oui, un client peut cumuler deux bons de réduction sur un même passage en caisse.", CUMUL, "fr", True),
        ("Oui, les cocottes en fonte profitent de l'offre trois articles pour le prix de deux.", FONTE, "fr", True),
        ("Non, un client ne peut pas cumuler deux bons.", CUMUL, "fr", True),  # "ne pas" adds nothing checkable
        ("Non, un seul bon de réduction par passage.", CUMUL, "fr", False),  # "seul": its own word, checkable
        ("Oui, jusqu'à 3 bons de réduction par passage.", CUMUL, "fr", False),  # a figure of its own
        ("Oui, c'est possible.", CUMUL, "fr", False),  # neutral: handled as such, not a restatement
        ("Un client peut cumuler deux bons de réduction.", CUMUL, "fr", False),  # no yes or no
        ("Si un client cumule deux bons de réduction, la caisse refuse.", CUMUL, "fr", False),  # French "si" = if
        (
            "Yes, a customer can combine two discount vouchers.",
            "Can a customer combine two discount vouchers?",
            "en",
            True,
        ),
        ("No, a customer can combine one voucher only.", "Can a customer combine two discount vouchers?", "en", False),
        ("Sí, un cliente puede combinar dos cupones.", "¿Un cliente puede combinar dos cupones?", "es", True),
        ("Oui, un client peut cumuler deux bons de réduction.", "", "fr", False),  # no question known
    ],
)
def test_a_yes_or_no_restating_the_question(sentence: str, question: str, language: str, restated: bool) -> None:
    assert restates(sentence, question, language) is restated


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("l'offre trois articles pour le prix de deux", {"3", "2", "offre"}, {"troi", "deux"}),
        ("« 3 pour 2 »", {"3", "2"}, set()),
        ("within thirty days, twelve items", {"30", "12"}, set()),
        ("zwölf Tage, catorce no, diez sí", {"12", "10"}, set()),
        ("c'est très bien", {"tre"}, {"3"}),  # "très" folds to "tres", Spanish three: left out
        ("un client a mal au dos", {"client"}, {"1", "2"}),  # "un", "dos" (back) are no numbers
    ],
)
def test_number_words_count_as_their_digits(text: str, present: set[str], absent: set[str]) -> None:
    terms = content_terms(text)
    assert present <= terms
    assert not absent & terms
