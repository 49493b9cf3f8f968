"""An embedder decorator that embeds each passage text once: for the short life of one answer, where the context
focus and the sentence-support checks embed the same context sentences."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.core.embedding import Embedder, Vectors


class MemoEmbedder:
    """Same contract as the :class:`Embedder` it wraps; passage vectors are cached by text (unbounded: make one per
    question, not one per process). Query vectors are not cached."""

    def __init__(self, inner: Embedder) -> None:
        self._inner = inner
        self._passages: dict[str, np.ndarray] = {}

    @property
    def dimension(self) -> int:
        return self._inner.dimension

    @property
    def model_name(self) -> str:
        return self._inner.model_name

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        missing = list(dict.fromkeys(t for t in texts if t not in self._passages))
        if missing:
            for text, vector in zip(missing, self._inner.embed_passages(missing), strict=True):
                self._passages[text] = vector
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._passages[t] for t in texts]).astype(np.float32, copy=False)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._inner.embed_queries(texts)
