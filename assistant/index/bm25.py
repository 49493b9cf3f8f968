"""BM25 sparse encoder on qdrant-edge's tokenizer and Snowball stemmers (one per language), shared by every index."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cached_property
from typing import Any

from assistant.core.index import SparseVector

# ISO 639-1 -> qdrant-edge language name (stemmer + stop words); others get no stemming.
_LANGUAGES = {"fr": "french", "en": "english", "es": "spanish", "de": "german", "it": "italian", "pt": "portuguese"}


class EdgeBm25Encoder:
    def __init__(self, avg_len: float = 120.0, k: float = 1.2, b: float = 0.75) -> None:
        self._params = {"avg_len": avg_len, "k": k, "b": b}
        self._lock = threading.Lock()
        self._models: dict[str, Any] = {}

    @cached_property
    def _edge(self) -> Any:
        import qdrant_edge

        return qdrant_edge

    def _model(self, language: str) -> Any:
        name = _LANGUAGES.get(language, "")
        with self._lock:
            if name not in self._models:
                extra: dict[str, Any] = {"language": name} if name else {}
                config = self._edge.Bm25Config(lowercase=True, ascii_folding=True, **self._params, **extra)
                self._models[name] = self._edge.Bm25(config)
            return self._models[name]

    @staticmethod
    def _convert(vector: Any) -> SparseVector:
        return SparseVector(indices=list(vector.indices), values=list(vector.values))

    def encode_documents(self, texts: Sequence[str], languages: Sequence[str]) -> list[SparseVector]:
        return [self._convert(self._model(lang).embed_document(t)) for t, lang in zip(texts, languages, strict=True)]

    def encode_query(self, text: str, language: str) -> SparseVector:
        return self._convert(self._model(language).embed_query(text))
