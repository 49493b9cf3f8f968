"""Embedder adapter over a local sentence-transformers model folder (loaded lazily, once)."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.core.embedding import Vectors
from assistant.core.errors import SetupError
from assistant.embeddings.settings import EmbeddingSettings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


class SentenceTransformerEmbedder:
    """Embedder backed by ``SentenceTransformer(path)``; never contacts a model hub."""

    def __init__(self, settings: EmbeddingSettings) -> None:
        self._settings = settings
        self._lock = threading.Lock()

    @property
    def model_name(self) -> str:
        provenance = self._settings.model_path / "PROVENANCE.json"
        if provenance.is_file():
            name = json.loads(provenance.read_text(encoding="utf-8")).get("model")
            if isinstance(name, str):
                return name
        return self._settings.model_path.name

    @cached_property
    def _model(self) -> SentenceTransformer:
        path = self._settings.model_path
        if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
            raise SetupError(
                f"no sentence-transformers model at {path}: run `assistant models build-embedder` "
                "(done by deploy/setup.sh) or point ASSISTANT_EMBEDDING_MODEL_PATH at a model folder"
            )
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # no "Loading weights" bar on stderr of CLI commands
        try:
            return SentenceTransformer(str(path), device=self._settings.device, local_files_only=True)
        except Exception as exc:  # the library raises many types; report them all the same way
            raise SetupError(
                f"cannot load the embedding model at {path} ({type(exc).__name__}: {exc}); "
                "rebuild it with `assistant models build-embedder --force`"
            ) from exc

    @cached_property
    def dimension(self) -> int:
        dim = self._model.get_embedding_dimension()
        if dim is None:
            raise SetupError(f"the model at {self._settings.model_path} does not report its dimension")
        return int(dim)

    def _encode(self, texts: Sequence[str], prefix: str) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:  # torch modules are not re-entrant across threads
            out: Any = self._model.encode(
                [prefix + t for t in texts],
                batch_size=self._settings.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(out, dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, self._settings.passage_prefix)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, self._settings.query_prefix)
