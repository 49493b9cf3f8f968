from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.index.ports import VectorIndex
from assistant.index.qdrant import QdrantIndex
from assistant.settings import QdrantSettings
from tests.contracts.vector_index import VectorIndexContract, make_chunk, unit

pytestmark = pytest.mark.integration


class TestQdrantLocalIndex(VectorIndexContract):
    @pytest.fixture
    def index(self, tmp_path: Path) -> Iterator[VectorIndex]:
        idx = QdrantIndex(QdrantSettings(), tmp_path / "qdrant")
        yield idx
        idx.close()

    def test_persists_across_restarts(self, tmp_path: Path) -> None:
        first = QdrantIndex(QdrantSettings(), tmp_path / "q")
        first.upsert([make_chunk("a", i) for i in range(3)], np.stack([unit(i) for i in range(3)]))
        first.close()
        second = QdrantIndex(QdrantSettings(), tmp_path / "q")
        assert second.count("a") == 3
        assert second.search(unit(1).tolist(), {"store"}, 1)[0].chunk.chunk_index == 1
        second.close()
