"""Contract suite every VectorIndex adapter passes (subclass it and provide the ``index`` and ``reopen`` fixtures)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.core.domain import Chunk
from assistant.core.errors import ConfigurationError
from assistant.core.fusion import LexicalBoost, RankFusion
from assistant.core.index import AccessFilter, IndexQuery, SparseVector, VectorIndex
from ingestion.pipeline import chunk_id_for

DIM = 8
STORE = AccessFilter(frozenset({"store", "public"}))


def make_chunk(
    doc: str,
    i: int,
    audience: tuple[str, ...] = ("store",),
    text: str = "",
    stores: tuple[str, ...] = ("*",),
    confidentiality: int = 1,
) -> Chunk:
    return Chunk(
        chunk_id=chunk_id_for(doc, i),
        doc_id=doc,
        source=f"/docs/{doc}.md",
        title=f"Title {doc}",
        section="Section",
        text=text or f"text {doc} {i}",
        language="fr",
        audience=audience,
        content_hash="h",
        chunk_index=i,
        stores=stores,
        confidentiality=confidentiality,
    )


def unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def term(i: int) -> SparseVector:
    """A sparse vector made of one rare term (i) and one common term (0)."""
    return SparseVector([0, 1000 + i], [1.0, 1.0])


def put(index: VectorIndex, chunks: list[Chunk], seed0: int = 0) -> None:
    index.upsert(chunks, np.stack([unit(seed0 + i) for i in range(len(chunks))]), [term(i) for i in range(len(chunks))])
    index.flush()


def dense_query(seed: int, access: AccessFilter = STORE, k: int = 10) -> IndexQuery:
    return IndexQuery(access=access, top_k=k, dense=unit(seed).tolist(), mode="dense")


class VectorIndexContract:
    @pytest.fixture
    def index(self) -> VectorIndex:
        raise NotImplementedError

    def test_empty_index_searches_to_nothing(self, index: VectorIndex) -> None:
        assert index.search(dense_query(0)) == []
        assert index.count() == 0
        assert index.delete_document("nope") == 0

    def test_upsert_is_idempotent(self, index: VectorIndex) -> None:
        chunks = [make_chunk("a", i) for i in range(3)]
        put(index, chunks)
        put(index, chunks)
        assert index.count() == 3
        assert index.count("a") == 3
        assert [c.chunk_index for c in index.chunks("a")] == [0, 1, 2]

    def test_dense_search_orders_by_cosine_and_returns_payload(self, index: VectorIndex) -> None:
        chunks = [make_chunk("a", i, stores=("lyon",), confidentiality=0) for i in range(4)]
        put(index, chunks)
        hits = index.search(dense_query(2))
        assert hits[0].chunk == chunks[2]
        assert hits[0].score == pytest.approx(1.0, abs=1e-3)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)

    def test_sparse_search_finds_the_rare_term(self, index: VectorIndex) -> None:
        chunks = [make_chunk("a", i) for i in range(6)]
        put(index, chunks)
        hits = index.search(IndexQuery(access=STORE, top_k=3, sparse=term(4), mode="sparse"))
        assert hits[0].chunk.chunk_index == 4

    def test_hybrid_fuses_both_rankings(self, index: VectorIndex) -> None:
        chunks = [make_chunk("a", i) for i in range(6)]
        put(index, chunks)
        only_3 = SparseVector([1003], [1.0])  # matches chunk 3 alone
        query = IndexQuery(access=STORE, top_k=6, dense=unit(1).tolist(), sparse=only_3, mode="hybrid")
        ranked = [h.chunk.chunk_index for h in index.search(query)]
        # chunk 3 is in both lists, chunk 1 tops the dense one: RRF puts them first, then the dense-only rest
        assert ranked[:2] == [3, 1]
        assert len(ranked) == 6

    def test_dbsf_fusion_ranks_the_chunk_both_lists_agree_on_first(self, index: VectorIndex) -> None:
        chunks = [make_chunk("a", i) for i in range(6)]
        put(index, chunks)
        query = IndexQuery(STORE, 6, unit(3).tolist(), SparseVector([1003], [1.0]), "hybrid", 50, "dbsf")
        ranked = [h.chunk.chunk_index for h in index.search(query)]
        assert ranked[0] == 3
        assert sorted(ranked) == list(range(6))
        assert [h.score for h in index.search(query)] == sorted((h.score for h in index.search(query)), reverse=True)

    def test_boost_without_weight_is_the_dense_cosine_and_the_floor_for_bm25_only_hits(
        self, index: VectorIndex
    ) -> None:
        chunks = [make_chunk("a", i) for i in range(6)]
        put(index, chunks)
        q = unit(1)
        cosines = {i: float(unit(i) @ q) for i in range(6)}
        dense_top2 = sorted(cosines, key=lambda i: -cosines[i])[:2]
        sparse_only = next(i for i in range(6) if i not in dense_top2)
        boost = LexicalBoost(weight=0.0, saturation=20.0, dense_floor=-0.5)
        query = IndexQuery(STORE, 6, q.tolist(), SparseVector([1000 + sparse_only], [1.0]), "hybrid", 2, "boost", boost)
        scores = {h.chunk.chunk_index: h.score for h in index.search(query)}
        assert set(scores) == {*dense_top2, sparse_only}  # the union of both candidate lists
        for i in dense_top2:
            assert scores[i] == pytest.approx(cosines[i], abs=1e-4)
        assert scores[sparse_only] == pytest.approx(-0.5)

    @pytest.mark.parametrize(("weight", "first"), [(0.0, "dense"), (10.0, "bm25")])
    def test_boost_weight_moves_the_bm25_match_up(self, index: VectorIndex, weight: float, first: str) -> None:
        chunks = [make_chunk("a", i) for i in range(6)]
        put(index, chunks)
        q = unit(1)
        ranking = sorted(range(6), key=lambda i: -float(unit(i) @ q))
        matched = ranking[-1]  # the chunk the dense side likes least
        boost = LexicalBoost(weight=weight, saturation=1.0, dense_floor=0.0)
        query = IndexQuery(STORE, 6, q.tolist(), SparseVector([1000 + matched], [1.0]), "hybrid", 50, "boost", boost)
        hits = index.search(query)
        assert hits[0].chunk.chunk_index == (ranking[0] if first == "dense" else matched)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)

    @pytest.mark.parametrize(("weights", "first"), [((3.0, 1.0), "dense"), ((1.0, 3.0), "bm25")])
    def test_rrf_weights_favour_their_list(self, index: VectorIndex, weights: tuple[float, float], first: str) -> None:
        chunks = [make_chunk("a", i) for i in range(6)]
        put(index, chunks)
        q = unit(1)
        ranking = sorted(range(6), key=lambda i: -float(unit(i) @ q))
        matched = ranking[-1]  # BM25 finds only the chunk the dense side likes least: both are first of a list
        rrf = RankFusion(k=1, dense_weight=weights[0], sparse_weight=weights[1])
        sparse = SparseVector([1000 + matched], [1.0])
        query = IndexQuery(STORE, 3, q.tolist(), sparse, "hybrid", 2, "rrf", rrf=rrf)
        hits = index.search(query)
        assert hits[0].chunk.chunk_index == (ranking[0] if first == "dense" else matched)
        assert {h.chunk.chunk_index for h in hits} == {ranking[0], ranking[1], matched}

    def test_mode_without_its_vector_is_rejected(self, index: VectorIndex) -> None:
        put(index, [make_chunk("a", 0)])
        with pytest.raises(ValueError, match="sparse"):
            index.search(IndexQuery(access=STORE, top_k=3, dense=unit(0).tolist(), mode="hybrid"))

    def test_audience_filter_is_applied_in_the_query(self, index: VectorIndex) -> None:
        store = [make_chunk("s", i, ("store",)) for i in range(5)]
        hr = [make_chunk("h", i, ("hr",)) for i in range(5)]
        both = [make_chunk("b", 0, ("store", "hr"))]
        every = store + hr + both
        put(index, every)
        for i in range(len(every)):  # even a query equal to an hr chunk's vector returns no hr-only chunk
            for mode in ("dense", "sparse", "hybrid"):
                query = IndexQuery(STORE, 20, unit(i).tolist(), term(i), mode)  # type: ignore[arg-type]
                hits = index.search(query)
                assert all("store" in h.chunk.audience for h in hits), mode
        assert index.search(dense_query(0, AccessFilter(frozenset()))) == []
        hr_access = AccessFilter(frozenset({"hr"}))
        assert {h.chunk.doc_id for h in index.search(dense_query(0, hr_access, 20))} == {"h", "b"}

    def test_confidentiality_and_store_scope(self, index: VectorIndex) -> None:
        chunks = [
            make_chunk("pub", 0, confidentiality=0),
            make_chunk("sec", 0, confidentiality=3),
            make_chunk("lyon", 0, stores=("lyon",)),
            make_chunk("nice", 0, stores=("nice",)),
        ]
        put(index, chunks)
        internal_lyon = AccessFilter(frozenset({"store"}), max_confidentiality=1, stores=frozenset({"lyon"}))
        assert {h.chunk.doc_id for h in index.search(dense_query(0, internal_lyon))} == {"pub", "lyon"}
        no_store = AccessFilter(frozenset({"store"}), max_confidentiality=3, stores=frozenset())
        assert {h.chunk.doc_id for h in index.search(dense_query(0, no_store))} == {"pub", "sec"}
        unscoped = AccessFilter(frozenset({"store"}), max_confidentiality=3)
        assert len(index.search(dense_query(0, unscoped))) == 4

    def test_count_under_an_access_filter_counts_only_readable_chunks(self, index: VectorIndex) -> None:
        put(index, [make_chunk("h", 0, ("hr",)), make_chunk("h", 1, ("hr",)), make_chunk("s", 0, ("store",))])
        put(index, [make_chunk("lyon", 0, stores=("lyon",)), make_chunk("sec", 0, confidentiality=3)], seed0=10)
        assert index.count("h", access=STORE) == 0
        assert index.count("h", access=AccessFilter(frozenset({"hr"}))) == 2
        assert index.count("s", access=STORE) == 1
        nice = AccessFilter(frozenset({"store"}), stores=frozenset({"nice"}))
        assert index.count("lyon", access=nice) == 0
        assert index.count("lyon", access=AccessFilter(frozenset({"store"}), stores=frozenset({"lyon"}))) == 1
        internal = AccessFilter(frozenset({"store"}), max_confidentiality=1)
        assert index.count("sec", access=internal) == 0
        assert index.count("sec", access=STORE) == 1
        assert index.count(access=internal) == 2
        assert index.count("h", access=AccessFilter(frozenset())) == 0

    # The same fixture instance serves every example on purpose (filled once); subclasses run it per adapter.
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.differing_executors],
    )
    @given(
        audiences=st.lists(st.sampled_from(["store", "hq", "hr", "public"]), min_size=1, max_size=2, unique=True),
        seed=st.integers(0, 40),
        level=st.integers(0, 3),
    )
    def test_property_no_result_escapes_the_filter(
        self, index: VectorIndex, audiences: list[str], seed: int, level: int
    ) -> None:
        if index.count() == 0:
            tags = [("store",), ("hq",), ("hr",), ("public",), ("store", "hr")]
            put(index, [make_chunk(f"d{i}", 0, tags[i % 5], confidentiality=i % 4) for i in range(40)])
        access = AccessFilter(frozenset(audiences), max_confidentiality=level)
        query = IndexQuery(access, 40, unit(seed).tolist(), term(seed), "hybrid")
        for hit in index.search(query):
            assert set(hit.chunk.audience) & set(audiences)
            assert hit.chunk.confidentiality <= level

    def test_delete_document_and_tail(self, index: VectorIndex) -> None:
        put(index, [make_chunk("a", i) for i in range(5)] + [make_chunk("b", i) for i in range(2)])
        assert index.delete_document("a", from_index=3) == 2
        assert [c.chunk_index for c in index.chunks("a")] == [0, 1, 2]
        assert index.delete_document("a") == 3
        assert index.count("a") == 0
        assert index.count("b") == 2
        assert all(h.chunk.doc_id == "b" for h in index.search(dense_query(0)))

    def test_dimension_mismatch_is_a_clear_error(self, index: VectorIndex) -> None:
        put(index, [make_chunk("a", 0)])
        with pytest.raises(ConfigurationError, match="dimension"):
            index.upsert([make_chunk("a", 1)], np.ones((1, DIM * 2), dtype=np.float32), [term(0)])

    def test_length_mismatch_is_rejected(self, index: VectorIndex) -> None:
        with pytest.raises(ValueError, match="chunks"):
            index.upsert([make_chunk("a", 0), make_chunk("a", 1)], np.stack([unit(0)]), [term(0)])


class PersistentVectorIndexContract(VectorIndexContract):
    """For adapters with storage: also provide ``reopen``, a factory opening the same storage again."""

    @pytest.fixture
    def reopen(self) -> Callable[[], VectorIndex]:
        raise NotImplementedError

    def test_persists_across_restarts(self, index: VectorIndex, reopen: Callable[[], VectorIndex]) -> None:
        put(index, [make_chunk("a", i) for i in range(3)])
        index.close()
        second = reopen()
        assert second.count("a") == 3
        assert second.search(dense_query(1, k=1))[0].chunk.chunk_index == 1
        second.close()

    def test_compact_keeps_the_chunks_and_drops_overwritten_text(
        self, index: VectorIndex, reopen: Callable[[], VectorIndex], tmp_path: Path
    ) -> None:
        put(index, [make_chunk("a", 0, text="ancienne valeur Zébulon-Xavier")] + [make_chunk("b", i) for i in range(2)])
        put(index, [make_chunk("a", 0, text="nouvelle valeur <PERSON_0123456789abcdef>")])
        if not index.compact():
            pytest.skip("this adapter's storage is not rewritten by the process (a server vacuums its own)")
        assert [c.text for c in index.chunks("a")] == ["nouvelle valeur <PERSON_0123456789abcdef>"]
        assert index.count() == 3
        assert index.search(dense_query(1, k=1))[0].chunk.doc_id == "b"
        index.close()
        assert not any(b"Z\xc3\xa9bulon" in f.read_bytes() for f in tmp_path.rglob("*") if f.is_file())
        second = reopen()
        assert second.count() == 3
        second.close()
