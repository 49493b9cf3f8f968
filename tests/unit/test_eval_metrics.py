import pytest

from eval.golden import load_golden
from eval.metrics import dedupe, hit_at, ndcg_at, reciprocal_rank

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("ranked", "gold", "hit1", "hit5", "rr"),
    [
        (["a", "b"], {"a"}, 1.0, 1.0, 1.0),
        (["b", "b", "a"], {"a"}, 0.0, 1.0, 0.5),  # chunks of one document count once
        (["b", "c", "d", "e", "f", "a"], {"a"}, 0.0, 0.0, 1 / 6),
        ([], {"a"}, 0.0, 0.0, 0.0),
    ],
)
def test_ranking_metrics(ranked: list[str], gold: set[str], hit1: float, hit5: float, rr: float) -> None:
    assert hit_at(ranked, gold, 1) == hit1
    assert hit_at(ranked, gold, 5) == hit5
    assert reciprocal_rank(ranked, gold) == pytest.approx(rr)


def test_ndcg() -> None:
    assert ndcg_at(["a", "b"], {"a"}, 10) == 1.0
    assert ndcg_at(["b", "a"], {"a"}, 10) == pytest.approx(1 / 1.5849625, rel=1e-6)
    assert ndcg_at(["x"], {"a"}, 10) == 0.0
    assert dedupe(["a", "a", "b"]) == ["a", "b"]


def test_sample_golden_set_is_well_formed() -> None:
    questions = load_golden()
    answerable = [q for q in questions if q.answerable]
    assert len(answerable) >= 40
    assert {q.language for q in answerable} >= {"fr", "en", "es"}
    assert all(q.gold for q in answerable)
    assert len([q for q in questions if not q.answerable and not q.acl_denied]) >= 10
