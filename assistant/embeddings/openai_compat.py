"""Embedder adapter over an OpenAI-compatible ``POST /v1/embeddings`` server: vLLM serving an embedding model, Text
Embeddings Inference, or llama.cpp (``assistant llm serve --embedding``). For GPUs and for many ingestion workers
sharing one model server.

Same conventions as the local adapter: the query and passage prefixes are prepended here (the server embeds what it
is sent), texts go ``batch_size`` per request, and rows come back L2-normalised in input order whatever the server
does. Network failures, 429 and 5xx answers are retried ``retries`` times with a growing pause. Error messages never
quote the server's body (it may echo the texts).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import httpx
import numpy as np

from assistant.core.embedding import Vectors
from assistant.core.errors import BackendError, ConfigurationError
from assistant.embeddings.settings import EmbeddingSettings

_RETRIED = {429, 500, 502, 503, 504}
_PROBE = "dimension probe"


class OpenAiCompatibleEmbedder:
    def __init__(self, settings: EmbeddingSettings, transport: httpx.BaseTransport | None = None) -> None:
        if not (settings.base_url and settings.model):
            raise ConfigurationError("the openai embedder needs ASSISTANT_EMBEDDING_BASE_URL and _MODEL")
        self._settings = settings
        self._url = settings.base_url.rstrip("/") + "/embeddings"
        self._model = settings.model
        key = settings.api_key.get_secret_value() if settings.api_key else None
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self._client = httpx.Client(headers=headers, timeout=settings.timeout_s, transport=transport)
        self.requests = 0  # requests sent (batches), for tests and benchmarks

    @property
    def model_name(self) -> str:
        return self._model

    @cached_property
    def dimension(self) -> int:
        return int(self._request([self._settings.passage_prefix + _PROBE]).shape[1])

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, self._settings.passage_prefix)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, self._settings.query_prefix)

    def close(self) -> None:
        self._client.close()

    def _encode(self, texts: Sequence[str], prefix: str) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        size = self._settings.batch_size
        parts = [self._request([prefix + t for t in texts[i : i + size]]) for i in range(0, len(texts), size)]
        vectors = np.concatenate(parts)
        self.__dict__.setdefault("dimension", int(vectors.shape[1]))  # the first answer fixes it (no probe request)
        if vectors.shape[1] != self.dimension:
            raise BackendError(
                f"the embedding server at {self._settings.base_url} answered {vectors.shape[1]}-dimensional vectors "
                f"after {self.dimension}-dimensional ones: its model changed while in use; re-index after the change"
            )
        return vectors

    def _request(self, inputs: list[str]) -> Vectors:
        body = {"model": self._model, "input": inputs, "encoding_format": "float"}
        for attempt in range(self._settings.retries + 1):
            last = attempt == self._settings.retries
            try:
                response = self._client.post(self._url, json=body)
            except httpx.TransportError as exc:
                if last:
                    raise BackendError(
                        f"the embedding server at {self._settings.base_url} does not answer ({type(exc).__name__}): "
                        "start it, or check ASSISTANT_EMBEDDING_BASE_URL"
                    ) from None
            else:
                if response.status_code not in _RETRIED or last:
                    self.requests += 1
                    return self._vectors(response, len(inputs))
            time.sleep(0.5 * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _vectors(self, response: httpx.Response, expected: int) -> Vectors:
        where = f"the embedding server at {self._settings.base_url}"
        status = response.status_code
        if status in (401, 403):
            raise ConfigurationError(f"{where} refused the key (HTTP {status}): set ASSISTANT_EMBEDDING_API_KEY")
        if status == 404:
            raise ConfigurationError(
                f"{where} has no {self._url} or no model {self._model!r} (HTTP 404): the base URL ends with /v1 and "
                "ASSISTANT_EMBEDDING_MODEL is the served model name"
            )
        if status >= 400:
            raise BackendError(
                f"{where} failed the request (HTTP {status}); a text may exceed the model's input length (split "
                "smaller chunks with ASSISTANT_INGESTION_CHUNK_MAX_CHARS) or the server is overloaded: see its log"
            )
        try:
            data: list[dict[str, Any]] = sorted(response.json()["data"], key=lambda d: int(d["index"]))
            rows = [d["embedding"] for d in data]
        except (ValueError, KeyError, TypeError) as exc:
            raise BackendError(f"{where} did not answer an OpenAI embedding list ({type(exc).__name__})") from None
        if len(rows) != expected:
            raise BackendError(f"{where} answered {len(rows)} embeddings for {expected} texts")
        if rows and rows[0] and isinstance(rows[0][0], list):
            raise BackendError(
                f"{where} answered one vector per token, not per text: the model has no pooling. Serve an embedding "
                "model, or turn pooling on in the server (llama.cpp: --pooling mean; assistant llm serve --embedding)"
            )
        try:
            vectors = np.asarray(rows, dtype=np.float32)
        except ValueError:
            raise BackendError(f"{where} answered embeddings of different lengths") from None
        if vectors.ndim != 2 or vectors.shape[1] == 0 or not np.isfinite(vectors).all():
            raise BackendError(f"{where} answered malformed embeddings (shape {vectors.shape}, or not finite)")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        if (norms == 0).any():
            raise BackendError(f"{where} answered a zero vector: the model cannot embed one of the texts")
        unit: Vectors = (vectors / norms).astype(np.float32)
        return unit
