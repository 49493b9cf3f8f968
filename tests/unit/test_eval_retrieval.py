import pytest

from assistant.core.fusion import LexicalBoost, RankFusion
from assistant.core.index import AccessFilter, IndexQuery
from eval.retrieval import FusionVariant, parse_fusion

pytestmark = pytest.mark.unit
REQUEST = IndexQuery(AccessFilter(frozenset({"store"})), 10, [1.0], None, "dense", 50, "boost", LexicalBoost(0.05))


@pytest.mark.parametrize(
    ("name", "fusion", "rrf", "boost_weight"),
    [
        ("rrf", "rrf", RankFusion(), 0.05),
        ("rrf:1:2", "rrf", RankFusion(dense_weight=1.0, sparse_weight=2.0), 0.05),
        ("rrf:0.5:1", "rrf", RankFusion(dense_weight=0.5, sparse_weight=1.0), 0.05),
        ("dbsf", "dbsf", RankFusion(), 0.05),
        ("boost", "boost", RankFusion(), 0.05),
        ("boost:0.3", "boost", RankFusion(), 0.3),
    ],
)
def test_fusion_variant_sets_a_hybrid_request(name: str, fusion: str, rrf: RankFusion, boost_weight: float) -> None:
    varied = parse_fusion(name).apply(REQUEST)
    assert (varied.mode, varied.fusion, varied.rrf, varied.boost.weight) == ("hybrid", fusion, rrf, boost_weight)
    assert (varied.access, varied.top_k, varied.dense) == (REQUEST.access, REQUEST.top_k, REQUEST.dense)


@pytest.mark.parametrize("name", ["", "rr", "rrf:1", "rrf:1:2:3", "dbsf:1", "boost:x", "rrf:-1:1", "boost:1:2"])
def test_bad_fusion_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="use rrf"):
        parse_fusion(name)


@pytest.mark.parametrize(
    ("rrf", "weights"),
    [(RankFusion(), None), (RankFusion(dense_weight=2.0, sparse_weight=2.0), None), (RankFusion(30, 1, 2), [1, 2])],
)
def test_rank_fusion_weights_are_none_for_plain_rrf(rrf: RankFusion, weights: list[float] | None) -> None:
    assert rrf.weights == weights


def test_variant_name_is_its_label() -> None:
    assert FusionVariant("rrf:1:2").name == "rrf:1:2"


def test_settings_reach_the_index_request() -> None:
    from assistant.container import Container
    from assistant.settings import load_settings
    from tests.fakes import FakeEmbedder, FakeSparseEncoder, InMemoryIndex

    index = {"fusion": "rrf", "rrf_dense_weight": 1.0, "rrf_sparse_weight": 2.5}
    container = Container(load_settings(index=index, privacy={"enabled": False}))
    container.__dict__.update(embedder=FakeEmbedder(), sparse_encoder=FakeSparseEncoder(), index=InMemoryIndex())
    request = container.searcher.prepare("Quel est le délai de retour ?", "store", 5)
    assert request is not None
    assert (request.fusion, request.rrf) == ("rrf", RankFusion(60, 1.0, 2.5))
