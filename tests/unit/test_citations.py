"""Citation markers: lenient parsing, placement, renumbering (rules, table-driven)."""

from __future__ import annotations

import pytest

from assistant.answering.citations import (
    CitedText,
    Piece,
    cited_numbers,
    move_markers_before_stops,
    split_pieces,
    strip_markers,
    with_markers,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Le client a 30 jours [1].", [1]),
        ("Voir [1][2] et [3].", [1, 2, 3]),
        ("Voir [1, 2] ou [3; 4].", [1, 2, 3, 4]),
        ("Plage [1-3].", [1, 2, 3]),
        ("Forme longue [Document 2] et [source 3] et [doc 4].", [2, 3, 4]),
        ("[1 et 2] [1 and 3]", [1, 2, 1, 3]),
        ("Pas de citation ici (1).", []),
        ("Taille [XL] et lien [a](b).", []),
        ("Absurde [1-40].", [1, 40]),  # not a plausible range: both ends kept, then rejected as out of range
    ],
)
def test_cited_numbers(text: str, numbers: list[int]) -> None:
    assert cited_numbers(text) == numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Le client a 30 jours [1].", "Le client a 30 jours."),
        ("Voir [1][2], puis [3] .", "Voir, puis."),
        ("Sans marqueur.", "Sans marqueur."),
    ],
)
def test_strip_markers(text: str, expected: str) -> None:
    assert strip_markers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Le client a 30 jours. [1] Les soldes", "Le client a 30 jours [1]. Les soldes"),
        ("Trente jours.[1][2] Ensuite", "Trente jours [1][2]. Ensuite"),
        ("Déjà bien placé [1]. Ensuite", "Déjà bien placé [1]. Ensuite"),
    ],
)
def test_markers_after_the_full_stop_move_before_it(text: str, expected: str) -> None:
    assert move_markers_before_stops(text) == expected


@pytest.mark.parametrize(
    ("sentence", "numbers", "expected"),
    [
        ("Le client a 30 jours.", [1], "Le client a 30 jours [1]."),
        ("Deux sources", [1, 2], "Deux sources [1][2]"),
        ("Une question ?", [3], "Une question [3]?"),
        ("Rien.", [], "Rien."),
    ],
)
def test_with_markers(sentence: str, numbers: list[int], expected: str) -> None:
    assert with_markers(sentence, numbers) == expected


def test_split_pieces_keeps_markers_with_their_sentence_and_list_items_apart() -> None:
    text = "Le client a 30 jours. [2] Les soldes : 14 jours [1].\n- Avec ticket [1]\nSources : [1], [2]"
    pieces = split_pieces(text)
    assert [(p.line, p.bullet, p.text, p.cited) for p in pieces] == [
        (0, "", "Le client a 30 jours.", (2,)),
        (0, "", "Les soldes : 14 jours.", (1,)),
        (1, "- ", "Avec ticket", (1,)),
    ]


def test_cited_text_renumbers_blocks_in_order_of_first_use() -> None:
    cited = CitedText()
    assert cited.add(Piece(0, "", "B d'abord.", ()), [4]) == "B d'abord [1]."
    assert cited.add(Piece(0, "", "Puis A et B.", ()), [2, 4]) == "Puis A et B [1][2]."
    assert cited.add(Piece(1, "- ", "Rien de vérifiable", ()), []) == "- Rien de vérifiable"
    assert cited.order == [4, 2]
    assert cited.text() == "B d'abord [1]. Puis A et B [1][2].\n- Rien de vérifiable"
