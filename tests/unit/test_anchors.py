"""Question anchors: a figure copied from a passage about something else than the question is not supported."""

from __future__ import annotations

import pytest

from assistant.answering.anchors import (
    Anchors,
    anchored,
    asks_for_figure,
    figures,
    passages,
)
from assistant.answering.grounding import EvidenceBlock, SupportScorer
from tests.unit.test_grounding import FakeEmbedder

GRID = EvidenceBlock(
    "Salaires minimaux 2024 :\nposte | salaire brut\nresponsable de rayon | 1 985 €\n\n"
    "Salaires minimaux 2025 :\nposte | salaire brut\nresponsable de rayon | 2 017 €",
    "fr",
    "Grille des salaires",
)
FLOATS = EvidenceBlock("Magasin | fond de caisse\nLyon Part-Dieu | 300 €\nNantes | 200 €", "fr", "Caisse")
REVENUE = EvidenceBlock(
    "Le réseau a réalisé 78,4 M€ HT de chiffre d'affaires en 2024. Les soldes ont été conformes.\n\n"
    "Le magasin de Lyon Part-Dieu a réalisé 2,41 M€ au troisième trimestre 2024.",
    "fr",
    "Bilan commercial",
)
FUND = EvidenceBlock(
    "Le fond de caisse standard est de 150 € par caisse.\n\nÀ Barcelone, le fond de caisse est de 200 €.",
    "fr",
    "Procédure de caisse",
)
COLUMNS = EvidenceBlock(  # the real grid: one column per year
    "Salaires minimaux mensuels bruts\n"
    "Niveau | Coefficient | Fonction type | Salaire minimal 2024 | Salaire minimal 2025\n"
    "2 | 160 | Conseiller de vente | 1 845 € | 1 875 €\n"
    "3 | 175 | Conseiller de vente senior | 1 905 € | 1 936 €\n"
    "4 | 190 | Responsable de rayon | 1 985 € | 2 017 €",
    "fr",
    "Accord salarial",
)
UNDATED = EvidenceBlock("Grille 2025\nFonction | Salaire | Prime\nResponsable de rayon | 2 017 € | 150 €", "fr", "")
RAGGED = EvidenceBlock("Grille\nFonction | Salaire 2024 | Salaire 2025\nResponsable de rayon | 1 985 €", "fr", "")
TICKET = EvidenceBlock("Le ticket de caisse 042-2-118734 a été annulé par le responsable.", "fr", "Incident")


@pytest.mark.parametrize(
    ("question", "language", "numbers", "names"),
    [
        ("Quel est le salaire minimal 2025 d'un responsable de rayon (coefficient 190) ?", "fr", {"2025"}, set()),
        # bounds are restated by documents ("from the 44th hour"): only years are number anchors
        ("Les heures sup au-delà de la 43e heure sont majorées de combien ?", "fr", set(), set()),
        ("Quel montant de fond de caisse utilise-t-on dans la boutique de Barcelone ?", "fr", set(), {"barcel"}),
        ("Lyon Part-Dieu : quel chiffre d'affaires ?", "fr", set(), {"part", "dieu"}),  # "Lyon" starts the sentence
        ("Combien de jours de RTT ont les cadres ?", "fr", set(), {"rtt"}),  # acronyms are names too
        ("Quel est le numéro de <PERSON_cb3e725cbd81d291> ?", "fr", set(), {"<PERSON_cb3e725cbd81d291>"}),
        ("Wie viele Tage hat ein Kunde Zeit?", "de", set(), set()),  # German capitalises every noun
        ("Combien de jours pour un retour ?", "fr", set(), set()),
    ],
)
def test_anchors_of_a_question(question: str, language: str, numbers: set[str], names: set[str]) -> None:
    anchors = Anchors.of(question, language)
    assert anchors.numbers == numbers
    assert anchors.names == names
    assert bool(anchors) is bool(numbers or names)


def test_figures_ignore_citation_markers_and_pseudonym_digits() -> None:
    assert figures("Le numéro de <PERSON_cb3e725cbd81d291> est 12 [1].") == {"12"}


@pytest.mark.parametrize(
    ("question", "sentence", "block", "expected"),
    [
        # the row of the question's year (in the table's caption), or of the year before; the row of its store
        ("Salaire minimal 2025 d'un responsable de rayon ?", "Il est de 2 017 € [1].", GRID, True),
        ("Salaire minimal 2025 d'un responsable de rayon ?", "Il est de 1 985 € [1].", GRID, False),
        ("Fond de caisse du magasin de Nantes ?", "Il est de 200 €.", FLOATS, True),
        ("Fond de caisse du magasin de Nantes ?", "Il est de 300 €.", FLOATS, False),
        # the store named in the question, or the network's total
        ("Chiffre d'affaires du magasin de Lyon Part-Dieu en 2024 ?", "Il a réalisé 2,41 M€.", REVENUE, True),
        ("Chiffre d'affaires du magasin de Lyon Part-Dieu en 2024 ?", "Il a réalisé 78,4 M€ HT.", REVENUE, False),
        ("Fond de caisse de la boutique de Barcelone ?", "Il est de 200 €.", FUND, True),
        ("Fond de caisse de la boutique de Barcelone ?", "Il est de 150 €.", FUND, False),
        # a person the question names must be in the passage of the figure
        ("Numéro de sécurité sociale de <PERSON_cb3e725cbd81d291> ?", "C'est le 042-2-118734.", TICKET, False),
        # nothing to anchor: the question has no anchor, or the sentence no new figure
        ("Quel est le fond de caisse standard ?", "Il est de 150 €.", FUND, True),
        ("Fond de caisse de la boutique de Barcelone ?", "Demandez au responsable.", FUND, True),
        ("Salaire 2025 d'un responsable ?", "En 2025, un responsable est payé 2 017 €.", GRID, True),
        # a header that dates its columns: the figure must sit in a column of the question's year
        ("Salaire minimal 2025 d'un responsable de rayon ?", "Il est de 2 017 € [1].", COLUMNS, True),
        ("Salaire minimal 2025 d'un responsable de rayon ?", "Il est de 1 985 € [1].", COLUMNS, False),
        ("Salaire minimal 2024 d'un responsable de rayon ?", "Il est de 1 985 € [1].", COLUMNS, True),
        ("Salaire minimal 2025 d'un conseiller senior ?", "Il est de 1 936 €.", COLUMNS, True),
        ("Salaire minimal 2025 d'un conseiller senior ?", "Il est de 1 905 €.", COLUMNS, False),
        ("Salaire minimal d'un responsable de rayon ?", "Il est de 1 985 €.", COLUMNS, True),  # no year asked
        ("Salaire minimal 2023 d'un responsable ?", "Il est de 1 985 €.", COLUMNS, False),  # no passage names 2023
        # columns not dated (the year is the caption's), or a row of fewer cells than its header: the row decides
        ("Prime 2025 d'un responsable de rayon ?", "Elle est de 150 €.", UNDATED, True),
        ("Salaire 2025 d'un responsable de rayon ?", "Il est de 1 985 €.", RAGGED, True),
    ],
)
def test_a_new_figure_must_come_from_a_passage_about_the_question(
    question: str, sentence: str, block: EvidenceBlock, expected: bool
) -> None:
    anchors = Anchors.of(question, "fr")
    assert anchored(sentence, anchors, passages(block.text, block.title), same_language=True) is expected


PRICES = "Punto | Acuerdo\nPrecio por par (FOB) | 21,40 €\nPedido mínimo | 600 pares"
OPENING = "Reunión del 14 de octubre de 2024 en las instalaciones del proveedor, polígono industrial de Elche."


@pytest.mark.parametrize(
    ("question", "scope", "expected"),
    [
        # the minutes' opening names the Elche factory: its price table, three sections later, is about it
        ("¿Qué precio por par se acordó con el fabricante de Elche?", OPENING, True),
        ("¿Qué precio por par se acordó con el fabricante de Elche?", "", False),
        # another place stays unanchored; the opening's years do not vouch for a figure
        ("¿Qué precio por par se acordó con el fabricante de Valencia?", OPENING, False),
        ("¿Qué precio por par se acordó en 2024?", OPENING, False),
    ],
)
def test_the_opening_of_a_document_vouches_for_its_names_not_its_years(
    question: str, scope: str, expected: bool
) -> None:
    block = passages(PRICES, "Acta de negociación — 3. Resultados", scope)
    assert anchored("Se acordó a 21,40 € [1].", Anchors.of(question, "es"), block, same_language=True) is expected


FLOAT_FR = EvidenceBlock("Le fond de caisse standard est de 150 € par caisse.", "fr", "Procédure de caisse")
FLOAT_BCN = EvidenceBlock("À Barcelona, le fond de caisse est de 200 € par caisse.", "fr", "Procédure de caisse")
BARCELONA = "What is the cash float of the Barcelona store?"
TRANSLATED = "Quel est le fond de caisse de la boutique de Barcelona ?"


@pytest.mark.parametrize(
    ("block", "sentence", "translation", "confirmed"),
    [
        # no translation: the English name is not required from a French block, nor does that block confirm anything
        (FLOAT_FR, "It is 150 euros.", None, False),
        (FLOAT_BCN, "It is 200 euros.", None, False),
        # searched in French too: the block is held to the translation's anchors
        (FLOAT_FR, "It is 150 euros.", TRANSLATED, False),
        (FLOAT_BCN, "It is 200 euros.", TRANSLATED, True),
    ],
)
def test_a_block_in_a_translations_language_is_held_to_the_translations_anchors(
    block: EvidenceBlock, sentence: str, translation: str | None, confirmed: bool
) -> None:
    translated = [Anchors.of(translation, "fr")] if translation else []
    scorer = SupportScorer(
        [block], FakeEmbedder(), threshold=0.5, anchors=Anchors.of(BARCELONA, "en"), translated=translated
    )
    assert scorer.anchor_confirmed(sentence, [0]) is confirmed


def test_names_are_not_required_across_languages_but_numbers_and_pseudonyms_are() -> None:
    english = Anchors.of("What is the cash float of the Barcelona store in 2025?", "en")
    block = passages("Le fond de caisse standard est de 150 € en 2025.", "Caisse")
    assert anchored("It is 150 euros.", english, block, same_language=False)  # "Barcelona" may be translated
    assert not anchored("It is 150 euros.", Anchors.of("What is the cash float in 2024?", "en"), block, False)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Combien de jours pour retourner un article ?", True),
        ("Quel montant de fond de caisse utilise-t-on à Barcelone ?", True),
        ("Quelle hausse de tarif a été accordée à Tissages du Nord ?", True),
        ("À partir de quel jour d'absence faut-il un certificat ?", True),
        ("How many loyalty points does a member need?", True),
        ("Up to what till difference is no explanation needed?", True),
        ("¿Cuántos días tiene un cliente para devolver un artículo?", True),
        ("Wie viel Wechselgeld kommt in jede Kasse?", True),
        # closed, "which" and "how to" questions do not ask for a figure
        ("Est-ce que les cocottes profitent de l'offre ?", False),
        ("Quels jours les convoyeurs passent-ils ?", False),
        ("Comment commander une voiture de fonction ?", False),
        ("Can employees charge their car at the head office?", False),
    ],
)
def test_questions_that_ask_for_a_figure(question: str, expected: bool) -> None:
    assert asks_for_figure(question) is expected
