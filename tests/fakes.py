"""Deterministic test doubles for the ports (the real adapters pass the same contract suites)."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence

import numpy as np

from assistant.domain import Chunk, SearchHit
from assistant.embeddings.ports import Vectors
from assistant.errors import ConfigurationError
from assistant.text import words

DIM = 64


class FakeEmbedder:
    """Bag of hashed words: texts sharing words are close. Counts what it embedded."""

    model_name = "fake-bow-64"
    dimension = DIM

    def __init__(self) -> None:
        self.passages_embedded = 0

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(DIM, dtype=np.float32)
        for w in words(text):
            v[int(hashlib.md5(w.encode()).hexdigest(), 16) % DIM] += 1.0
        norm = float(np.linalg.norm(v))
        return v / norm if norm else v

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        self.passages_embedded += len(texts)
        return np.array([self._vector(t) for t in texts], dtype=np.float32).reshape(len(texts), DIM)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return np.array([self._vector(t) for t in texts], dtype=np.float32).reshape(len(texts), DIM)


class InMemoryIndex:
    def __init__(self) -> None:
        self.points: dict[str, tuple[Chunk, np.ndarray]] = {}
        self._dimension: int | None = None

    def upsert(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        if len(chunks) != len(vectors):
            raise ValueError("chunks and vectors differ in length")
        if not chunks:
            return
        dim = int(vectors.shape[1])
        if self._dimension not in (None, dim):
            raise ConfigurationError(f"dimension {dim} != {self._dimension}")
        self._dimension = dim
        for c, v in zip(chunks, vectors, strict=True):
            self.points[c.chunk_id] = (c, np.asarray(v))

    def delete_document(self, doc_id: str, from_index: int = 0) -> int:
        doomed = [k for k, (c, _) in self.points.items() if c.doc_id == doc_id and c.chunk_index >= from_index]
        for k in doomed:
            del self.points[k]
        return len(doomed)

    def search(self, vector: Sequence[float], audiences: Collection[str], top_k: int) -> list[SearchHit]:
        q = np.asarray(vector, dtype=np.float32)
        allowed = set(audiences)
        hits = [SearchHit(c, float(v @ q)) for c, v in self.points.values() if allowed.intersection(c.audience)]
        return sorted(hits, key=lambda h: -h.score)[:top_k]

    def count(self, doc_id: str | None = None) -> int:
        return sum(1 for c, _ in self.points.values() if doc_id is None or c.doc_id == doc_id)

    def chunks(self, doc_id: str) -> list[Chunk]:
        return sorted((c for c, _ in self.points.values() if c.doc_id == doc_id), key=lambda c: c.chunk_index)

    def close(self) -> None:
        pass
