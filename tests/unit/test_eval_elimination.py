"""The decision rule and bookkeeping of the backward elimination of answer checks (eval/elimination.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from eval.elimination import QuestionSet, net, removable


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
