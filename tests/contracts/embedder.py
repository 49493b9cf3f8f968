"""Contract suite every Embedder adapter passes (subclass it and provide the ``embedder`` fixture).

It checks the port's written contract (:class:`assistant.core.embedding.Embedder`): shapes, order, unit rows, the
query/passage conventions, determinism and batches larger than one request or forward pass. It says nothing about
retrieval quality (the model's business, measured in eval/).
"""

from __future__ import annotations

import numpy as np
import pytest

from assistant.core.embedding import Embedder

TEXTS = [
    "Le client a 30 jours pour retourner un article avec son ticket de caisse.",
    "The store opens at 9 am from Monday to Saturday.",
    "La caisse est comptée à deux, le soir, avant la fermeture.",
    "Los vales de descuento no se pueden acumular.",
    "Die Inventur findet im Januar statt.",
]


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray((a * b).sum(axis=1))


class EmbedderContract:
    @pytest.fixture
    def embedder(self) -> Embedder:
        raise NotImplementedError

    def test_names_its_model_and_a_fixed_dimension(self, embedder: Embedder) -> None:
        assert isinstance(embedder.model_name, str) and embedder.model_name
        assert isinstance(embedder.dimension, int) and embedder.dimension > 0
        assert embedder.embed_passages(TEXTS).shape == (len(TEXTS), embedder.dimension)
        assert embedder.embed_queries(TEXTS[:2]).shape == (2, embedder.dimension)

    def test_empty_input_gives_no_rows(self, embedder: Embedder) -> None:
        for vectors in (embedder.embed_passages([]), embedder.embed_queries([])):
            assert vectors.shape == (0, embedder.dimension)
            assert vectors.dtype == np.float32

    def test_rows_are_float32_unit_vectors(self, embedder: Embedder) -> None:
        vectors = embedder.embed_passages(TEXTS)
        assert vectors.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)

    def test_one_row_per_input_in_input_order(self, embedder: Embedder) -> None:
        together = embedder.embed_passages(TEXTS)
        alone = np.concatenate([embedder.embed_passages([t]) for t in TEXTS])
        assert (cosines(together, alone) > 0.999).all(), cosines(together, alone)
        reversed_rows = embedder.embed_passages(TEXTS[::-1])[::-1]
        assert (cosines(together, reversed_rows) > 0.999).all()

    def test_distinct_texts_get_distinct_vectors(self, embedder: Embedder) -> None:
        vectors = embedder.embed_passages(TEXTS)
        similarity = vectors @ vectors.T
        off_diagonal = similarity[~np.eye(len(TEXTS), dtype=bool)]
        assert (off_diagonal < 0.9999).all()

    def test_queries_and_passages_follow_their_own_conventions(self, embedder: Embedder) -> None:
        text = [TEXTS[0]]
        assert float(cosines(embedder.embed_queries(text), embedder.embed_passages(text))[0]) < 0.9999

    def test_same_input_same_vectors(self, embedder: Embedder) -> None:
        assert (cosines(embedder.embed_queries(TEXTS), embedder.embed_queries(TEXTS)) > 0.9999).all()

    def test_more_texts_than_one_batch(self, embedder: Embedder) -> None:
        many = [f"{TEXTS[i % len(TEXTS)]} ({i})" for i in range(37)]
        vectors = embedder.embed_passages(many)
        assert vectors.shape == (37, embedder.dimension)
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
        assert (cosines(vectors[-3:], embedder.embed_passages(many[-3:])) > 0.999).all()
