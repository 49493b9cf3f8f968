"""Focused context: the passage of a chunk that answers the question, within a budget; the memo embedder."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answering.context import build_context
from assistant.answering.focus import GAP, QuestionFocus, excerpt, render, units_of
from assistant.core.domain import Chunk, SearchHit
from assistant.embeddings.memo import MemoEmbedder
from tests.fakes import FakeEmbedder

pytestmark = pytest.mark.unit

HEURES = (
    "Les heures au-delà de 35 heures sont des heures supplémentaires.\n"
    "Heures de la semaine | Majoration\n"
    "De la 36e à la 43e heure | + 25 %\n"
    "À partir de la 44e heure | + 50 %\n"
    "Le repos compensateur est pris dans les 2 mois. Il se pose par demi-journée.\n"
    "Le contingent annuel est de 220 heures."
)


def test_units_keep_lines_and_split_sentences() -> None:
    units = units_of(HEURES)
    assert [u.line for u in units] == [0, 1, 2, 3, 4, 4, 5]
    assert units[5].text == "Il se pose par demi-journée."
    assert [u.is_table_row for u in units] == [False, True, True, True, False, False, False]


EXCERPTS = [
    # (scores per unit, budget, expected excerpt)
    ([0, 0, 0, 1, 0, 0, 0], 10_000, HEURES),  # everything fits: the text as it is
    (
        [0, 0, 0, 1, 0, 0, 0],  # a table row: its table's header comes with it, then neighbours while they fit
        110,
        f"{GAP}\nHeures de la semaine | Majoration\nDe la 36e à la 43e heure | + 25 %\n"
        f"À partir de la 44e heure | + 50 %\n{GAP}",
    ),
    (
        [0, 0, 0, 0, 0, 1, 0],  # neighbours after, then before; a sentence joins its line-mate with a space
        120,
        f"{GAP}\nLe repos compensateur est pris dans les 2 mois. Il se pose par demi-journée.\n"
        "Le contingent annuel est de 220 heures.",
    ),
    ([1, 0, 0, 0, 0, 0, 0], 70, f"Les heures au-delà de 35 heures sont des heures supplémentaires.\n{GAP}"),
    ([0, 0, 0, 0, 0, 0, 1], 5, f"{GAP}\nLe contingent annuel est de 220 heures."),  # the best unit even over budget
]


@pytest.mark.parametrize(("scores", "budget", "expected"), EXCERPTS)
def test_excerpt(scores: list[float], budget: int, expected: str) -> None:
    assert excerpt(units_of(HEURES), lambda _: scores, budget) == expected


def test_excerpt_scores_nothing_when_the_whole_text_fits() -> None:
    def score(_: object) -> list[float]:
        raise AssertionError("scored although everything fits")

    assert excerpt(units_of(HEURES), score, 10_000) == HEURES
    assert excerpt([], score, 10) == ""


def test_skipped_lines_between_chosen_ones_are_marked() -> None:
    units = units_of("A un.\nB deux.\nC trois.\nD quatre.")
    assert render(units, [0, 2]) == f"A un.\n{GAP}\nC trois.\n{GAP}"


def test_question_focus_picks_the_passage_that_answers_the_question() -> None:
    embedder = FakeEmbedder()
    question = "À partir de quelle heure la majoration est-elle de 50 % ?"
    focus = QuestionFocus(embedder, embedder.embed_queries([question])[0], question)
    shown = focus.excerpt(HEURES, 120)
    assert "À partir de la 44e heure | + 50 %" in shown
    assert "Heures de la semaine | Majoration" in shown
    assert "contingent" not in shown


def _hit(n: int, text: str) -> SearchHit:
    return SearchHit(
        Chunk(f"c{n}", f"d{n}", f"/d/{n}.md", f"Doc {n}", "Partie > Section", text, "fr", ("store",), "h", 0), 1.0
    )


def test_build_context_shares_the_budget_among_the_chunks_when_focusing() -> None:
    hits = [_hit(n, HEURES) for n in range(4)]
    whole = build_context(hits, max_chunks=4, max_chars=900)
    focused = build_context(hits, max_chunks=4, max_chars=900, focus=lambda text, share: text[:share])
    assert len(whole.blocks) < 4  # whole chunks exhaust the budget
    assert len(focused.blocks) == 4 and all(len(b.text) <= 225 for b in focused.blocks)
    assert 'title="Doc 0 — Section"' in focused.blocks[0].render()  # the nearest heading, not the whole path


def test_memo_embedder_embeds_each_passage_once() -> None:
    inner = FakeEmbedder()
    memo = MemoEmbedder(inner)
    first = memo.embed_passages(["a b", "c d", "a b"])
    second = memo.embed_passages(["c d", "e f"])
    assert inner.passages_embedded == 3
    assert np.allclose(first[0], first[2]) and np.allclose(first[1], second[0])
    assert memo.embed_passages([]).shape == (0, inner.dimension)
    assert (memo.dimension, memo.model_name) == (inner.dimension, inner.model_name)
