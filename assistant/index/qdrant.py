"""VectorIndex adapter over qdrant-client: a Qdrant server, or the embedded local mode by default."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from qdrant_client import QdrantClient, models

from assistant.domain import Chunk, SearchHit
from assistant.embeddings.ports import Vectors
from assistant.errors import BackendError, ConfigurationError
from assistant.settings import QdrantSettings

DENSE = "dense"
KEYWORD_FIELDS = ("doc_id", "audience", "source", "language")


class QdrantIndex:
    def __init__(self, settings: QdrantSettings, local_path: Path) -> None:
        self._settings = settings
        self._local_path = local_path
        self._dimension: int | None = None

    @cached_property
    def _client(self) -> QdrantClient:
        s = self._settings
        try:
            if s.url:
                key = s.api_key.get_secret_value() if s.api_key else None
                return QdrantClient(url=s.url, api_key=key, timeout=int(s.timeout_s))
            self._local_path.mkdir(parents=True, exist_ok=True)
            return QdrantClient(path=str(self._local_path))
        except RuntimeError as exc:  # local mode: the folder is locked by another process
            raise BackendError(
                f"cannot open the local index at {self._local_path}: {exc}. Another assistant process "
                "(e.g. `assistant serve`) holds it: stop it, or run a Qdrant server and set ASSISTANT_QDRANT_URL"
            ) from exc

    @property
    def _name(self) -> str:
        return self._settings.collection

    def _exists(self) -> bool:
        return bool(self._client.collection_exists(self._name))

    def _ensure(self, dimension: int) -> None:
        if self._dimension == dimension:
            return
        if not self._exists():
            self._client.create_collection(
                self._name,
                vectors_config={DENSE: models.VectorParams(size=dimension, distance=models.Distance.COSINE)},
            )
            if self._settings.url:  # payload indexes make filtered search fast; local mode ignores them
                for field in KEYWORD_FIELDS:
                    self._client.create_payload_index(self._name, field, models.PayloadSchemaType.KEYWORD)
        else:
            info = self._client.get_collection(self._name)
            vectors = info.config.params.vectors
            existing = vectors[DENSE].size if isinstance(vectors, dict) else None
            if existing != dimension:
                raise ConfigurationError(
                    f"collection {self._name!r} holds {existing}-dimensional vectors but the embedder gives "
                    f"{dimension}: the embedding model changed. Re-index into a new collection "
                    "(ASSISTANT_QDRANT_COLLECTION) or delete the old one."
                )
        self._dimension = dimension

    def upsert(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        if not chunks:
            return
        self._ensure(int(vectors.shape[1]))
        points = [
            models.PointStruct(id=c.chunk_id, vector={DENSE: v.tolist()}, payload=c.payload())
            for c, v in zip(chunks, vectors, strict=True)
        ]
        self._client.upsert(self._name, points=points, wait=True)

    @staticmethod
    def _doc_filter(doc_id: str, from_index: int = 0) -> models.Filter:
        must: list[models.Condition] = [models.FieldCondition(key="doc_id", match=models.MatchValue(value=doc_id))]
        if from_index > 0:
            must.append(models.FieldCondition(key="chunk_index", range=models.Range(gte=from_index)))
        return models.Filter(must=must)

    def delete_document(self, doc_id: str, from_index: int = 0) -> int:
        if not self._exists():
            return 0
        flt = self._doc_filter(doc_id, from_index)
        n = int(self._client.count(self._name, count_filter=flt, exact=True).count)
        if n:
            self._client.delete(self._name, points_selector=models.FilterSelector(filter=flt))
        return n

    def search(self, vector: Sequence[float], audiences: Collection[str], top_k: int) -> list[SearchHit]:
        if not audiences or not self._exists():
            return []
        acl = models.Filter(must=[models.FieldCondition(key="audience", match=models.MatchAny(any=sorted(audiences)))])
        response = self._client.query_points(
            self._name, query=list(vector), using=DENSE, query_filter=acl, limit=top_k, with_payload=True
        )
        return [SearchHit(Chunk.from_payload(_payload(p.payload)), float(p.score)) for p in response.points]

    def count(self, doc_id: str | None = None) -> int:
        if not self._exists():
            return 0
        flt = self._doc_filter(doc_id) if doc_id else None
        return int(self._client.count(self._name, count_filter=flt, exact=True).count)

    def chunks(self, doc_id: str) -> list[Chunk]:
        if not self._exists():
            return []
        found = [Chunk.from_payload(_payload(r.payload)) for r in self._scroll(self._doc_filter(doc_id))]
        return sorted(found, key=lambda c: c.chunk_index)

    def _scroll(self, flt: models.Filter | None) -> Iterator[models.Record]:
        offset: Any = None
        while True:
            records, offset = self._client.scroll(self._name, scroll_filter=flt, limit=256, offset=offset)
            yield from records
            if offset is None:
                return

    def close(self) -> None:
        if "_client" in self.__dict__:
            self._client.close()
            del self.__dict__["_client"]


def _payload(payload: dict[str, Any] | None) -> dict[str, Any]:
    if payload is None:
        raise BackendError("Qdrant returned a point without payload; the collection is corrupt: re-ingest")
    return payload
