"""Contract suite every VectorIndex adapter passes (subclass it and provide the ``index`` fixture)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.domain import Chunk
from assistant.errors import ConfigurationError
from assistant.index.ports import VectorIndex
from ingestion.pipeline import chunk_id_for

DIM = 8


def make_chunk(doc: str, i: int, audience: tuple[str, ...] = ("store",), text: str = "") -> Chunk:
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
    )


def unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=DIM).astype(np.float32)
    return v / np.linalg.norm(v)


class VectorIndexContract:
    @pytest.fixture
    def index(self) -> VectorIndex:
        raise NotImplementedError

    def test_empty_index_searches_to_nothing(self, index: VectorIndex) -> None:
        assert index.search(unit(0).tolist(), {"store"}, 5) == []
        assert index.count() == 0
        assert index.delete_document("nope") == 0

    def test_upsert_is_idempotent(self, index: VectorIndex) -> None:
        chunks = [make_chunk("a", i) for i in range(3)]
        vectors = np.stack([unit(i) for i in range(3)])
        index.upsert(chunks, vectors)
        index.upsert(chunks, vectors)
        assert index.count() == 3
        assert index.count("a") == 3
        assert [c.chunk_index for c in index.chunks("a")] == [0, 1, 2]

    def test_search_orders_by_cosine_and_returns_payload(self, index: VectorIndex) -> None:
        chunks = [make_chunk("a", i) for i in range(4)]
        index.upsert(chunks, np.stack([unit(i) for i in range(4)]))
        hits = index.search(unit(2).tolist(), {"store"}, 4)
        assert hits[0].chunk == chunks[2]
        assert hits[0].score == pytest.approx(1.0, abs=1e-4)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)

    def test_audience_filter_is_applied_in_the_query(self, index: VectorIndex) -> None:
        store = [make_chunk("s", i, ("store",)) for i in range(5)]
        hr = [make_chunk("h", i, ("hr",)) for i in range(5)]
        both = [make_chunk("b", 0, ("store", "hr"))]
        every = store + hr + both
        index.upsert(every, np.stack([unit(i) for i in range(len(every))]))
        for i in range(len(every)):  # even a query equal to an hr chunk's vector returns no hr-only chunk
            hits = index.search(unit(i).tolist(), {"store", "public"}, 20)
            assert hits, "store chunks must still be found"
            assert all("store" in h.chunk.audience for h in hits)
        assert index.search(unit(0).tolist(), set(), 5) == []
        assert {h.chunk.doc_id for h in index.search(unit(0).tolist(), {"hr"}, 20)} == {"h", "b"}

    def test_delete_document_and_tail(self, index: VectorIndex) -> None:
        a = [make_chunk("a", i) for i in range(5)]
        b = [make_chunk("b", i) for i in range(2)]
        index.upsert(a + b, np.stack([unit(i) for i in range(7)]))
        assert index.delete_document("a", from_index=3) == 2
        assert [c.chunk_index for c in index.chunks("a")] == [0, 1, 2]
        assert index.delete_document("a") == 3
        assert index.count("a") == 0
        assert index.count("b") == 2

    def test_dimension_mismatch_is_a_clear_error(self, index: VectorIndex) -> None:
        index.upsert([make_chunk("a", 0)], np.stack([unit(0)]))
        with pytest.raises(ConfigurationError):
            index.upsert([make_chunk("a", 1)], np.ones((1, DIM * 2), dtype=np.float32))

    def test_length_mismatch_is_rejected(self, index: VectorIndex) -> None:
        with pytest.raises(ValueError, match="chunks"):
            index.upsert([make_chunk("a", 0), make_chunk("a", 1)], np.stack([unit(0)]))
