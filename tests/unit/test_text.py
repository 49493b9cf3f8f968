import pytest

from assistant.core.text import detect_language, fold, split_sentences

pytestmark = pytest.mark.unit
LANGS = ["fr", "en", "es", "de", "it"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Combien de jours un client a-t-il pour retourner un article ?", "fr"),
        ("How many days does a customer have to return an item?", "en"),
        ("¿Cuántos días tiene un cliente para devolver un artículo?", "es"),
        ("Wie viele Tage hat ein Kunde, um einen Artikel zurückzugeben?", "de"),
        ("Quanti giorni ha un cliente per restituire un articolo?", "it"),
        ("Que faire en cas de vol ?", "fr"),
        ("ok", "fr"),  # too short to tell: the default
    ],
)
def test_language_detection(text: str, expected: str) -> None:
    assert detect_language(text, LANGS) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Le client a 30 jours. Il présente le ticket.", ["Le client a 30 jours.", "Il présente le ticket."]),
        ("M. Dupont signe. Voir art. 12 du règlement.", ["M. Dupont signe.", "Voir art. 12 du règlement."]),
        ("Prix : 3.5 kg à 12,90 €. Fin !", ["Prix : 3.5 kg à 12,90 €.", "Fin !"]),
        ("Pas de point final", ["Pas de point final"]),
        ("¿Dónde? ¡Aquí! Bien.", ["¿Dónde?", "¡Aquí!", "Bien."]),
    ],
)
def test_sentence_split(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_fold() -> None:
    assert fold("Échange ÀÇÉ") == "echange ace"
