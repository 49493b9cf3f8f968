"""The decision rule and bookkeeping of the backward elimination of answer checks (eval/elimination.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from eval.elimination import QuestionSet, eliminate, net, removable


def test_net_counts_right_to_not_right_minus_the_reverse() -> None:
    before = {"a": "correct", "b": "refused_right", "c": "wrong", "d": "refused_should_answer"}
    after = {"a": "wrong", "b": "answered_should_refuse", "c": "correct", "d": "wrong"}
    assert net(before, after) == 1  # a and b lost, c gained, d stays not right
    assert net(before, before) == 0


@pytest.mark.parametrize(
    ("net_lost", "removed"),
    [
        ({"golden": 0, "heldout": 0}, True),
        ({"golden": 1, "heldout": 0}, True),
        ({"golden": 2, "heldout": 0}, True),  # pays over both sets, but only on the set it was tuned on
        ({"golden": 0, "heldout": 1}, True),  # under the bar over both sets
        ({"golden": 1, "heldout": 1}, False),  # pays, and on the held-out set too
        ({"golden": 0, "heldout": 2}, False),
        ({"golden": 4, "heldout": -1}, True),  # carried by the set it was tuned on, costs a held-out question
        ({"golden": -1, "heldout": -1}, True),
    ],
)
def test_a_candidate_stays_only_when_it_pays_over_the_sets_and_on_the_held_out_set(
    net_lost: dict[str, int], removed: bool
) -> None:
    assert removable(net_lost, "heldout") is removed


def test_question_set_specs() -> None:
    assert QuestionSet.parse("g:/d:/r.jsonl") == QuestionSet("g", Path("/d"), Path("/r.jsonl"))
    full = QuestionSet.parse("heldout:/d:/r.jsonl:/q.jsonl:/c")
    assert (full.dataset, full.corpus) == (Path("/q.jsonl"), Path("/c"))
    with pytest.raises(argparse.ArgumentTypeError, match="NAME:DATA_DIR"):
        QuestionSet.parse("g:/d")


def test_the_elimination_removes_cumulatively_and_measures_against_the_current_checks() -> None:
    # two checks guard the same two questions of the held-out set: either alone keeps them right, both gone lose them
    def golden(checks: list[str]) -> dict[str, str]:
        return {"g1": "correct" if "asks_question" in checks else "wrong"}

    def heldout(checks: list[str]) -> dict[str, str]:
        guarded = "restates_question" in checks or "evidence_quote" in checks
        return {"h1": "refused_right" if guarded else "answered_should_refuse", "h2": "correct" if guarded else "wrong"}

    lines: list[str] = []
    result = eliminate(
        {"golden": golden, "heldout": heldout},
        ["asks_question", "restates_question", "evidence_quote"],
        "heldout",
        lines.append,
    )
    # asks_question pays on the golden set only (1): removed; restates_question alone costs nothing (evidence_quote
    # still guards h1 and h2): removed; then evidence_quote is the last guard: it stays
    assert [s["removed"] for s in result["steps"][1:]] == [True, True, False]
    assert "evidence_quote" in result["kept"] and {"asks_question", "restates_question"} <= set(result["removed"])
    assert result["steps"][3]["net_lost"] == {"golden": 0, "heldout": 2}
    assert (
        lines[0].startswith("all checks")
        and lines[-1] == "evidence_quote: net lost {'golden': 0, 'heldout': 2} -> stays"
    )
