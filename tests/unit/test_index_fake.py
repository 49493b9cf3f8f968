import pytest

from assistant.core.index import VectorIndex
from tests.contracts.vector_index import VectorIndexContract
from tests.fakes import InMemoryIndex

pytestmark = pytest.mark.unit


class TestInMemoryIndex(VectorIndexContract):
    @pytest.fixture
    def index(self) -> VectorIndex:
        return InMemoryIndex()
