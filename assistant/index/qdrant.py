"""VectorIndex adapter over qdrant-client: a Qdrant server or cluster in production, its local mode in tests."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, cast

from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse

from assistant.core.domain import Chunk, SearchHit
from assistant.core.embedding import Vectors
from assistant.core.errors import BackendError, ConfigurationError
from assistant.core.fusion import engine_fusion
from assistant.core.index import AccessFilter, IndexQuery, SparseVector
from assistant.index.filters import (
    DENSE,
    INTEGER_FIELDS,
    KEYWORD_FIELDS,
    SPARSE,
    access_filter,
    count_filter,
    document_filter,
    payload_of,
    required_vector,
)
from assistant.index.settings import QdrantSettings


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
                return cast(
                    QdrantClient, _Reachable(QdrantClient(url=s.url, api_key=key, timeout=int(s.timeout_s)), s.url)
                )
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
        s = self._settings
        if not self._exists():
            self._client.create_collection(
                self._name,
                vectors_config={DENSE: models.VectorParams(size=dimension, distance=models.Distance.COSINE)},
                sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
                shard_number=s.shard_number,
                replication_factor=s.replication_factor,
                write_consistency_factor=s.write_consistency_factor,
            )
            if self._settings.url:  # payload indexes make filtered search fast; local mode has none
                for name in KEYWORD_FIELDS:
                    self._client.create_payload_index(self._name, name, models.PayloadSchemaType.KEYWORD)
                for name in INTEGER_FIELDS:
                    self._client.create_payload_index(self._name, name, models.PayloadSchemaType.INTEGER)
        else:
            params = self._client.get_collection(self._name).config.params
            if self._settings.url:
                self._apply_cluster_settings(params)
            vectors = params.vectors
            existing = vectors[DENSE].size if isinstance(vectors, dict) and DENSE in vectors else None
            if existing != dimension:
                raise ConfigurationError(
                    f"collection {self._name!r} holds {existing}-dimensional vectors but the embedder gives "
                    f"{dimension}: the embedding model changed. Re-index into a new collection "
                    "(ASSISTANT_QDRANT_COLLECTION) or delete the old one."
                )
        self._dimension = dimension

    def _apply_cluster_settings(self, params: models.CollectionParams) -> None:
        """An existing collection takes the configured replication and write consistency; its shard count cannot
        change (Qdrant fixes it at creation), so a different one is refused with the way out."""
        s = self._settings
        if params.shard_number is not None and params.shard_number != s.shard_number:
            raise ConfigurationError(
                f"collection {self._name!r} has {params.shard_number} shards but ASSISTANT_QDRANT_SHARD_NUMBER is "
                f"{s.shard_number}: the shard count is fixed when a collection is created. Set the setting to "
                f"{params.shard_number}, or re-index into a new collection (ASSISTANT_QDRANT_COLLECTION)"
            )
        wanted = {"replication_factor": s.replication_factor, "write_consistency_factor": s.write_consistency_factor}
        if any(getattr(params, k) not in (None, v) for k, v in wanted.items()):
            # new replicas of existing shards are then created by Qdrant's shard replication (see README)
            self._client.update_collection(self._name, collection_params=models.CollectionParamsDiff(**wanted))

    def upsert(self, chunks: Sequence[Chunk], dense: Vectors, sparse: Sequence[SparseVector]) -> None:
        if not len(chunks) == len(dense) == len(sparse):
            raise ValueError(f"{len(chunks)} chunks but {len(dense)} dense and {len(sparse)} sparse vectors")
        if not chunks:
            return
        self._ensure(int(dense.shape[1]))
        points = [
            models.PointStruct(
                id=c.chunk_id,
                vector={DENSE: d.tolist(), SPARSE: models.SparseVector(indices=s.indices, values=s.values)},
                payload=c.payload(),
            )
            for c, d, s in zip(chunks, dense, sparse, strict=True)
        ]
        self._client.upsert(self._name, points=points, wait=True)

    def delete_document(self, doc_id: str, from_index: int = 0) -> int:
        if not self._exists():
            return 0
        flt = document_filter(doc_id, from_index, models, models.Range)
        n = int(self._client.count(self._name, count_filter=flt, exact=True).count)
        if n:
            self._client.delete(self._name, points_selector=models.FilterSelector(filter=flt))
        return n

    def search(self, query: IndexQuery) -> list[SearchHit]:
        if query.access.empty or not self._exists():
            return []
        flt = access_filter(query.access, models, models.Range)
        dense = list(query.dense) if query.dense is not None else None
        sparse = models.SparseVector(indices=query.sparse.indices, values=query.sparse.values) if query.sparse else None
        kwargs: dict[str, Any] = {"query_filter": flt, "limit": query.top_k, "with_payload": True}
        if query.mode == "dense":
            kwargs.update(query=required_vector(dense, "dense"), using=DENSE)
        elif query.mode == "sparse":
            kwargs.update(query=required_vector(sparse, "sparse"), using=SPARSE)
        else:
            kwargs.update(
                prefetch=[
                    models.Prefetch(
                        query=required_vector(dense, "dense"), using=DENSE, filter=flt, limit=query.candidates
                    ),
                    models.Prefetch(
                        query=required_vector(sparse, "sparse"), using=SPARSE, filter=flt, limit=query.candidates
                    ),
                ],
                query=engine_fusion(query.fusion, query.boost, _ClientFusion(), query.rrf),
            )
        response = self._client.query_points(self._name, **kwargs)
        return [SearchHit(Chunk.from_payload(payload_of(p.payload)), float(p.score)) for p in response.points]

    def count(self, doc_id: str | None = None, access: AccessFilter | None = None) -> int:
        if not self._exists() or (access is not None and access.empty):
            return 0
        flt = count_filter(doc_id, access, models, models.Range)
        return int(self._client.count(self._name, count_filter=flt, exact=True).count)

    def chunks(self, doc_id: str) -> list[Chunk]:
        if not self._exists():
            return []
        found = [
            Chunk.from_payload(payload_of(r.payload))
            for r in self._scroll(document_filter(doc_id, 0, models, models.Range))
        ]
        return sorted(found, key=lambda c: c.chunk_index)

    def _scroll(self, flt: models.Filter | None) -> Iterator[models.Record]:
        offset: Any = None
        while True:
            records, offset = self._client.scroll(self._name, scroll_filter=flt, limit=256, offset=offset)
            yield from records
            if offset is None:
                return

    def flush(self) -> None:
        """Nothing to do: the server persists and indexes on its own."""

    def compact(self) -> bool:
        """Not this process's storage: a Qdrant server vacuums overwritten points with its own optimizer, and
        qdrant-client's local mode offers no rewrite. Returns False (the caller says so)."""
        return False

    def close(self) -> None:
        if "_client" in self.__dict__:
            self._client.close()
            del self.__dict__["_client"]


class IndexUnavailableError(BackendError):
    """The Qdrant server does not answer (exit code 4, HTTP 503)."""


class _Reachable:
    """A client whose transport failures (refused, timed out, a 5xx answer) become one :class:`IndexUnavailableError`
    naming the server and the fix, instead of the client's traceback."""

    def __init__(self, client: QdrantClient, url: str) -> None:
        self._client, self._url = client, url

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return attribute(*args, **kwargs)
            except (ResponseHandlingException, UnexpectedResponse) as exc:
                if isinstance(exc, UnexpectedResponse) and (exc.status_code or 0) < 500:
                    raise
                raise IndexUnavailableError(
                    f"the Qdrant server at {self._url} does not answer ({type(exc).__name__}): start it or check "
                    "ASSISTANT_QDRANT_URL (unset it to use the embedded index), then run the command again: nothing "
                    "is half-written"
                ) from None

        return call


class _ClientFusion:
    """:class:`assistant.core.fusion.FusionDialect` in qdrant-client's models (a prefetch score is named by its
    variable, a constant is a number)."""

    def rrf(self, k: int, weights: list[float] | None) -> models.Query:
        return models.RrfQuery(rrf=models.Rrf(k=k, weights=weights))

    def dbsf(self) -> models.Query:
        return models.FusionQuery(fusion=models.Fusion.DBSF)

    def variable(self, name: str) -> models.Expression:
        return name

    def constant(self, value: float) -> models.Expression:
        return value

    def sum(self, terms: list[models.Expression]) -> models.Expression:
        return models.SumExpression(sum=terms)

    def mult(self, factors: list[models.Expression]) -> models.Expression:
        return models.MultExpression(mult=factors)

    def div(self, left: models.Expression, right: models.Expression, by_zero: float) -> models.Expression:
        return models.DivExpression(div=models.DivParams(left=left, right=right, by_zero_default=by_zero))

    def formula(self, expression: models.Expression, defaults: dict[str, float]) -> models.Query:
        return models.FormulaQuery(formula=expression, defaults=defaults)
