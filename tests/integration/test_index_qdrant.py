"""The contract suite on both real adapters: qdrant-client (local mode) and qdrant-edge."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.core.index import VectorIndex
from assistant.index.edge import EdgeIndex
from assistant.index.qdrant import QdrantIndex
from assistant.index.settings import QdrantSettings
from tests.contracts.vector_index import PersistentVectorIndexContract

pytestmark = pytest.mark.integration


class TestQdrantClientLocalIndex(PersistentVectorIndexContract):
    @pytest.fixture
    def reopen(self, tmp_path: Path) -> Callable[[], VectorIndex]:
        return lambda: QdrantIndex(QdrantSettings(), tmp_path / "qdrant")

    @pytest.fixture
    def index(self, reopen: Callable[[], VectorIndex]) -> Iterator[VectorIndex]:
        idx = reopen()
        yield idx
        idx.close()


class TestQdrantEdgeIndex(PersistentVectorIndexContract):
    @pytest.fixture
    def reopen(self, tmp_path: Path) -> Callable[[], VectorIndex]:
        return lambda: EdgeIndex(tmp_path / "edge")

    @pytest.fixture
    def index(self, reopen: Callable[[], VectorIndex]) -> Iterator[VectorIndex]:
        idx = reopen()
        yield idx
        idx.close()
