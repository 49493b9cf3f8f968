"""Post-processing: allow-list, overlap resolution, PERSON shaping (pure functions, no model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from privacy.allow_list import AllowList, catalogue_terms, load_allow_list
from privacy.postprocess import Candidate, postprocess, resolve_overlaps

pytestmark = pytest.mark.unit
CATALOGUE = Path(__file__).resolve().parents[2] / "ingestion/samples/produits/catalogue"


def spans(text: str, candidates: list[Candidate], allow: list[str] | None = None) -> list[tuple[str, str]]:
    return [(s.entity_type, s.text) for s in postprocess(text, candidates, AllowList(allow or []), 0.5)]


def cand(text: str, part: str, entity: str = "PERSON", score: float = 0.85, ner: bool = True) -> Candidate:
    start = text.index(part)
    return Candidate(entity, start, start + len(part), score, ner)


def test_catalogue_allow_list_has_brands_and_products_but_no_lone_first_name() -> None:
    terms = load_allow_list([CATALOGUE], ["Maison Lumière"])
    for expected in ("Jean Paul Gaultier", "Yves Saint Laurent", "Maître Coq", "Atelier Camille", "Lumière Maison",
                     "Jean slim", "Marcel blanc", "Le Male", "Maison Lumière"):  # fmt: skip
        assert expected in terms
    assert "Camille" not in terms and "Jean Paul" not in terms
    assert catalogue_terms("Jean slim « Camille » brut") >= {"Jean slim Camille", "Jean slim"}


@pytest.mark.parametrize(
    ("text", "tagged"),
    [
        ("Le parfum Jean Paul Gaultier Le Male est en promotion.", "Jean Paul Gaultier Le Male"),
        ("Le jean slim Camille est en rupture.", "jean slim Camille"),
        ("La cocotte MAÎTRE COQ ronde.", "MAÎTRE COQ"),
    ],
)
def test_allow_listed_brands_are_dropped(text: str, tagged: str) -> None:
    allow = load_allow_list([CATALOGUE])
    assert spans(text, [cand(text, tagged)], allow) == []


def test_a_name_next_to_a_brand_keeps_the_name() -> None:
    text = "Sophie Marchand Atelier Camille a appelé."
    assert spans(text, [cand(text, "Sophie Marchand Atelier Camille")], ["Atelier Camille"]) == [
        ("PERSON", "Sophie Marchand")
    ]


def test_inner_spans_lose_to_their_container_and_types_drop() -> None:
    text = "IBAN FR76 3000 4028 3700 0104 5678 997 à Lyon"
    found = spans(
        text,
        [
            cand(text, "FR76 3000 4028 3700 0104 5678 997", "IBAN", 1.0, False),
            cand(text, "0104 5678 99", "PHONE", 0.6, False),
            cand(text, "FR76", "LOCATION", 0.85),
            cand(text, "Lyon", "LOCATION", 0.85),
        ],
    )
    assert found == [("IBAN", "FR76 3000 4028 3700 0104 5678 997")]


def test_same_range_uses_priority() -> None:
    kept = resolve_overlaps([Candidate("CREDIT_CARD", 0, 14, 1.0), Candidate("SIRET", 0, 14, 1.0)])
    assert [c.entity_type for c in kept] == ["SIRET"]


def test_person_shaping() -> None:
    text = "Mme Van Damme et Crystal M. Cummings ont vu Lyon. Plus tard, Van Damme rappelle."
    found = spans(
        text,
        [
            cand(text, "Mme Van Damme"),
            cand(text, "Cummings"),
            cand(text, "Lyon"),  # a lone word from the model: not a name without more evidence
            Candidate("PERSON", text.rindex("Van Damme"), text.rindex("Van Damme") + 9, 0.85, True),
        ],
    )
    assert found == [("PERSON", "Van Damme"), ("PERSON", "Crystal M. Cummings"), ("PERSON", "Van Damme")]


def test_names_found_from_their_own_email_and_other_mentions() -> None:
    text = "Responsable Sophie Marchand (sophie.marchand@maison-lumiere.fr). Voir SOPHIE MARCHAND."
    found = spans(text, [cand(text, "sophie.marchand@maison-lumiere.fr", "EMAIL", 1.0, False)])
    assert found == [
        ("PERSON", "Sophie Marchand"),
        ("EMAIL", "sophie.marchand@maison-lumiere.fr"),
        ("PERSON", "SOPHIE MARCHAND"),
    ]


@pytest.mark.parametrize("text", ["collection « Nuit Étoilée »", "Hoffmann Bettwaren GmbH", "Nom\nPrénom"])
def test_implausible_persons_are_dropped(text: str) -> None:
    start = text.index("«") + 2 if "«" in text else 0
    end = text.index("»") - 1 if "»" in text else len(text)
    assert spans(text, [Candidate("PERSON", start, end, 0.85, True)]) == []


@pytest.mark.parametrize(
    ("text", "tagged", "kept"),
    [
        # articles and civility titles alone name no one (a model answer said "Le monsieur doit vérifier…")
        ("Le monsieur doit vérifier la commande.", "Le monsieur", []),
        ("Le Monsieur signe le registre.", "Le Monsieur", []),
        ("Madame signe le registre.", "Madame", []),
        # a particle that starts a surname, or a title before a name, still leaves a name
        ("Le Gall signe le registre.", "Le Gall", [("PERSON", "Le Gall")]),
        ("M. Le Gall signe le registre.", "M. Le Gall", [("PERSON", "Le Gall")]),
    ],
)
def test_titles_and_articles_alone_are_not_a_person(text: str, tagged: str, kept: list[tuple[str, str]]) -> None:
    assert spans(text, [cand(text, tagged)]) == kept
