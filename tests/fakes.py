"""Deterministic test doubles for the ports (the real adapters pass the same contract suites)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable, Iterator, Sequence

import numpy as np

from assistant.core.domain import Chunk, SearchHit
from assistant.core.embedding import Vectors
from assistant.core.errors import ConfigurationError
from assistant.core.index import AccessFilter, IndexQuery, SparseVector
from assistant.core.protection import ProtectedText
from assistant.core.text import words
from assistant.llm.ports import ChatMessage, Completion, OnComplete

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


class FakeSparseEncoder:
    """Hashed word counts (no stemming)."""

    def _encode(self, text: str, weight: float) -> SparseVector:
        counts: dict[int, float] = {}
        for w in words(text):
            key = int(hashlib.md5(w.encode()).hexdigest()[:8], 16)
            counts[key] = counts.get(key, 0.0) + weight
        return SparseVector(sorted(counts), [counts[k] for k in sorted(counts)])

    def encode_documents(self, texts: Sequence[str], languages: Sequence[str]) -> list[SparseVector]:
        return [self._encode(t, 1.0) for t in texts]

    def encode_query(self, text: str, language: str) -> SparseVector:
        return self._encode(text, 1.0)


def visible(chunk: Chunk, access: AccessFilter) -> bool:
    if not access.audiences.intersection(chunk.audience) or chunk.confidentiality > access.max_confidentiality:
        return False
    return access.stores is None or bool({"*", *access.stores}.intersection(chunk.stores))


class InMemoryIndex:
    """Brute-force dense, sparse dot product and RRF fusion, with the same access semantics as Qdrant."""

    def __init__(self) -> None:
        self.points: dict[str, tuple[Chunk, np.ndarray, SparseVector]] = {}
        self._dimension: int | None = None

    def upsert(self, chunks: Sequence[Chunk], dense: Vectors, sparse: Sequence[SparseVector]) -> None:
        if not len(chunks) == len(dense) == len(sparse):
            raise ValueError("chunks and vectors differ in length")
        if not chunks:
            return
        dim = int(dense.shape[1])
        if self._dimension not in (None, dim):
            raise ConfigurationError(f"dimension {dim} != {self._dimension}")
        self._dimension = dim
        for c, v, s in zip(chunks, dense, sparse, strict=True):
            self.points[c.chunk_id] = (c, np.asarray(v), s)

    def delete_document(self, doc_id: str, from_index: int = 0) -> int:
        doomed = [k for k, (c, _, _) in self.points.items() if c.doc_id == doc_id and c.chunk_index >= from_index]
        for k in doomed:
            del self.points[k]
        return len(doomed)

    def _ranked(self, query: IndexQuery, kind: str, limit: int) -> list[SearchHit]:
        hits = []
        for c, v, s in self.points.values():
            if not visible(c, query.access):
                continue
            if kind == "dense":
                score = float(v @ np.asarray(query.dense, dtype=np.float32))
            else:
                assert query.sparse is not None
                weights = dict(zip(s.indices, s.values, strict=True))
                pairs = zip(query.sparse.indices, query.sparse.values, strict=True)
                score = sum(weights.get(i, 0.0) * w for i, w in pairs)
                if score <= 0:
                    continue
            hits.append(SearchHit(c, score))
        return sorted(hits, key=lambda h: -h.score)[:limit]

    def search(self, query: IndexQuery) -> list[SearchHit]:
        if query.access.empty:
            return []
        needed = ("dense", "sparse") if query.mode == "hybrid" else (query.mode,)
        for kind in needed:
            if getattr(query, kind) is None:
                raise ValueError(f"this search mode needs a {kind} query vector")
        if query.mode != "hybrid":
            return self._ranked(query, query.mode, query.top_k)
        if query.fusion == "boost":
            return self._boosted(query)
        fused: dict[str, float] = {}
        chunks: dict[str, Chunk] = {}
        for kind in needed:
            ranked = self._ranked(query, kind, query.candidates)
            scores = np.array([h.score for h in ranked], dtype=np.float64)
            low = scores.mean() - 3 * scores.std() if len(scores) else 0.0
            span = 6 * scores.std() if len(scores) and scores.std() > 0 else 1.0
            weight = query.rrf.dense_weight if kind == "dense" else query.rrf.sparse_weight
            for rank, hit in enumerate(ranked):
                if query.fusion == "rrf":
                    part = weight / (query.rrf.k + rank + 1)
                else:  # DBSF: scores normalised by mean +- 3 standard deviations, then summed
                    part = float(np.clip((hit.score - low) / span, 0.0, 1.0))
                fused[hit.chunk.chunk_id] = fused.get(hit.chunk.chunk_id, 0.0) + part
                chunks[hit.chunk.chunk_id] = hit.chunk
        best = sorted(fused, key=lambda k: -fused[k])[: query.top_k]
        return [SearchHit(chunks[k], fused[k]) for k in best]

    def _boosted(self, query: IndexQuery) -> list[SearchHit]:
        b = query.boost
        dense = {h.chunk.chunk_id: h for h in self._ranked(query, "dense", query.candidates)}
        sparse = {h.chunk.chunk_id: h for h in self._ranked(query, "sparse", query.candidates)}
        hits = []
        for key in dense.keys() | sparse.keys():
            bm25 = sparse[key].score if key in sparse else 0.0
            cosine = dense[key].score if key in dense else b.dense_floor
            hits.append(
                SearchHit((dense.get(key) or sparse[key]).chunk, cosine + b.weight * bm25 / (bm25 + b.saturation))
            )
        return sorted(hits, key=lambda h: -h.score)[: query.top_k]

    def count(self, doc_id: str | None = None, access: AccessFilter | None = None) -> int:
        return sum(
            1
            for c, _, _ in self.points.values()
            if (doc_id is None or c.doc_id == doc_id) and (access is None or visible(c, access))
        )

    def chunks(self, doc_id: str) -> list[Chunk]:
        return sorted((c for c, _, _ in self.points.values() if c.doc_id == doc_id), key=lambda c: c.chunk_index)

    def flush(self) -> None:
        pass

    def compact(self) -> bool:
        return True  # nothing kept but the current points

    def close(self) -> None:
        pass


class FakeProtector:
    """Replaces the words of a fixed list of fictional names by ``<PERSON_n>`` tokens."""

    fingerprint = "fake-protector"

    def __init__(self, names: Sequence[str] = ("Dupont", "Marchand")) -> None:
        self._names = {name: f"<PERSON_{i}>" for i, name in enumerate(names)}
        self.calls = 0

    def protect(self, texts: Sequence[str], languages: Sequence[str]) -> list[ProtectedText]:
        if len(texts) != len(languages):
            raise ValueError("one language per text")
        self.calls += 1
        out = []
        for text in texts:
            safe, tokens = text, []
            for name, token in self._names.items():
                if name in safe:
                    safe, tokens = safe.replace(name, token), [*tokens, token]
            out.append(ProtectedText(safe, tuple(tokens)))
        return out

    def scan(self, texts: Sequence[str], languages: Sequence[str]) -> list[list[str]]:
        """The types :meth:`protect` would replace, storing nothing (:class:`PiiScanner`)."""
        return [["PERSON" for name in self._names if name in text] for text in texts]


Reply = str | Exception | tuple[str, Exception] | Callable[[Sequence[ChatMessage]], str]


class ScriptedChatModel:
    """ChatModel test double: replays scripted replies in order and records the prompts it was sent.

    A reply is a text (streamed in fragments of ``fragment`` characters), a function of the messages returning the
    text, an exception raised before any text, or a ``(text, exception)`` pair that streams the text and then fails
    mid-stream. The last reply is reused when the script runs out. ``fragments_sent`` counts streamed fragments.
    """

    model_name = "scripted-model"

    def __init__(self, *replies: Reply, fragment: int = 7, finish_reason: str = "stop") -> None:
        self.replies = list(replies)
        self.fragment = fragment
        self.finish_reason = finish_reason
        self.calls: list[list[ChatMessage]] = []
        self.fragments_sent = 0

    def _next(self, messages: Sequence[ChatMessage]) -> tuple[str, Exception | None]:
        self.calls.append(list(messages))
        reply = self.replies[min(len(self.calls), len(self.replies)) - 1]
        if isinstance(reply, Exception):
            raise reply
        if callable(reply):
            return reply(messages), None
        return (reply, None) if isinstance(reply, str) else reply

    def _completion(self, messages: Sequence[ChatMessage], text: str) -> Completion:
        prompt = sum(len(m.content.split()) for m in messages)
        return Completion(text, self.model_name, prompt, len(text.split()), self.finish_reason)

    def complete(
        self, messages: Sequence[ChatMessage], *, max_tokens: int | None = None, temperature: float | None = None
    ) -> Completion:
        text, error = self._next(messages)
        if error is not None:
            raise error
        return self._completion(messages, text)

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_complete: OnComplete | None = None,
    ) -> Iterator[str]:
        text, error = self._next(messages)
        for start in range(0, len(text), self.fragment):
            self.fragments_sent += 1
            yield text[start : start + self.fragment]
        if error is not None:
            raise error
        if on_complete is not None:
            on_complete(self._completion(messages, text))

    async def astream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_complete: OnComplete | None = None,
    ) -> AsyncIterator[str]:
        for piece in self.stream(messages, max_tokens=max_tokens, temperature=temperature, on_complete=on_complete):
            yield piece
