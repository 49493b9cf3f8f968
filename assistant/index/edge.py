"""VectorIndex adapter on qdrant-edge: the real Qdrant engine embedded in-process (the default index).

Same collection layout as the qdrant-client adapter (named vectors ``dense`` + ``bm25`` with the IDF modifier),
payload indexes on the filtered fields, HNSW built by the engine's optimizer at the end of each ingestion batch.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import qdrant_edge as qe

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
from assistant.index.holder import Holder

_META = "assistant-index.json"
_SHARD = "shard"
_COPY_BATCH = 256


class EdgeIndex:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.RLock()
        self._shard: qe.EdgeShard | None = None
        self._dimension: int | None = None
        self._opened = False
        self._holder = Holder(path)

    def _open(self) -> qe.EdgeShard | None:
        """The shard if one exists on disk (loaded once), else None until the first upsert creates it."""
        if not self._opened:
            meta = self._path / _META
            old = self._path / f"{_SHARD}.old"
            if old.is_dir() and not (self._path / _SHARD).exists():
                old.rename(self._path / _SHARD)  # a compaction stopped between its two renames
            if meta.is_file():
                self._dimension = int(json.loads(meta.read_text())["dimension"])
                self._holder.claim()
                try:
                    self._shard = qe.EdgeShard.load(str(self._path / _SHARD))
                except Exception as exc:  # the engine reports storage problems as plain exceptions
                    self._holder.release()
                    raise BackendError(
                        f"cannot open the index at {self._path} ({exc}); is another process using it? "
                        "Otherwise restore it from a snapshot or delete the folder and re-ingest"
                    ) from exc
            self._opened = True
        return self._shard

    def _create(self, dimension: int, folder: str = _SHARD) -> qe.EdgeShard:
        self._path.mkdir(parents=True, exist_ok=True)
        self._holder.claim()
        config = qe.EdgeConfig(
            vectors={DENSE: qe.EdgeVectorParams(size=dimension, distance=qe.Distance.Cosine)},
            sparse_vectors={SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
        )
        shard = qe.EdgeShard.create(str(self._path / folder), config)
        for name in KEYWORD_FIELDS:
            shard.update(qe.UpdateOperation.create_field_index(name, qe.PayloadSchemaType.Keyword))
        for name in INTEGER_FIELDS:
            shard.update(qe.UpdateOperation.create_field_index(name, qe.PayloadSchemaType.Integer))
        (self._path / _META).write_text(json.dumps({"dimension": dimension, "engine": "qdrant-edge"}))
        self._dimension = dimension
        return shard

    def upsert(self, chunks: Sequence[Chunk], dense: Vectors, sparse: Sequence[SparseVector]) -> None:
        if not len(chunks) == len(dense) == len(sparse):
            raise ValueError(f"{len(chunks)} chunks but {len(dense)} dense and {len(sparse)} sparse vectors")
        if not chunks:
            return
        dimension = int(dense.shape[1])
        with self._lock:
            shard = self._open()
            if shard is None:
                shard = self._shard = self._create(dimension)
            elif dimension != self._dimension:
                raise ConfigurationError(
                    f"the index at {self._path} holds {self._dimension}-dimensional vectors but the embedder gives "
                    f"{dimension}: the embedding model changed. Point ASSISTANT_DATA_DIR at a new folder and re-ingest."
                )
            points = [
                qe.Point(c.chunk_id, {DENSE: d.tolist(), SPARSE: qe.SparseVector(s.indices, s.values)}, c.payload())
                for c, d, s in zip(chunks, dense, sparse, strict=True)
            ]
            shard.update(qe.UpdateOperation.upsert_points(points))

    def delete_document(self, doc_id: str, from_index: int = 0) -> int:
        with self._lock:
            shard = self._open()
            if shard is None:
                return 0
            flt = document_filter(doc_id, from_index, qe, qe.RangeFloat)
            n = shard.count(qe.CountRequest(exact=True, filter=flt))
            if n:
                shard.update(qe.UpdateOperation.delete_points_by_filter(flt))
            return int(n)

    def search(self, query: IndexQuery) -> list[SearchHit]:
        with self._lock:
            shard = self._open()
            if shard is None or query.access.empty:
                return []
            flt = access_filter(query.access, qe, qe.RangeFloat)
            dense = qe.Query.Nearest(list(query.dense), using=DENSE) if query.dense is not None else None
            sparse = (
                qe.Query.Nearest(qe.SparseVector(query.sparse.indices, query.sparse.values), using=SPARSE)
                if query.sparse is not None
                else None
            )
            if query.mode == "hybrid":
                prefetches = [
                    qe.Prefetch(query.candidates, query=required_vector(dense, "dense"), filter=flt),
                    qe.Prefetch(query.candidates, query=required_vector(sparse, "sparse"), filter=flt),
                ]
                request = qe.QueryRequest(
                    query.top_k,
                    query=engine_fusion(query.fusion, query.boost, _EdgeFusion(), query.rrf),
                    prefetches=prefetches,
                    filter=flt,
                    with_payload=True,
                )
            else:
                chosen = dense if query.mode == "dense" else sparse
                request = qe.QueryRequest(
                    query.top_k, query=required_vector(chosen, query.mode), filter=flt, with_payload=True
                )
            points = shard.query(request)
        return [SearchHit(Chunk.from_payload(payload_of(p.payload)), float(p.score)) for p in points]

    def count(self, doc_id: str | None = None, access: AccessFilter | None = None) -> int:
        with self._lock:
            shard = self._open()
            if shard is None or (access is not None and access.empty):
                return 0
            flt = count_filter(doc_id, access, qe, qe.RangeFloat)
            return int(shard.count(qe.CountRequest(exact=True, filter=flt)))

    def chunks(self, doc_id: str) -> list[Chunk]:
        found = [
            Chunk.from_payload(payload_of(r.payload))
            for r in self._scroll(document_filter(doc_id, 0, qe, qe.RangeFloat))
        ]
        return sorted(found, key=lambda c: c.chunk_index)

    def _scroll(self, flt: Any) -> Iterator[Any]:
        offset: Any = None
        while True:
            with self._lock:
                shard = self._open()
                if shard is None:
                    return
                records, offset = shard.scroll(
                    qe.ScrollRequest(offset=offset, limit=256, filter=flt, with_payload=True)
                )
            yield from records
            if offset is None:
                return

    def flush(self) -> None:
        """Persist and build the HNSW / payload indexes (end of an ingestion batch)."""
        with self._lock:
            if self._shard is not None:
                self._shard.optimize()
                self._shard.flush()

    def compact(self) -> bool:
        """Copy every point into a new shard and delete the old one's files: the write-ahead log and the freed
        payload pages of the old shard kept overwritten text (personal data written before a fix)."""
        with self._lock:
            shard = self._open()
            if shard is None or self._dimension is None:
                return True
            fresh_name = f"{_SHARD}.compact"
            shutil.rmtree(self._path / fresh_name, ignore_errors=True)
            fresh = self._create(self._dimension, fresh_name)
            offset: Any = None
            while True:
                records, offset = shard.scroll(
                    qe.ScrollRequest(offset=offset, limit=_COPY_BATCH, with_payload=True, with_vector=True)
                )
                if records:
                    points = [qe.Point(str(r.id), cast(dict[str, Any], r.vector), r.payload) for r in records]
                    fresh.update(qe.UpdateOperation.upsert_points(points))
                if offset is None:
                    break
            fresh.optimize()
            fresh.flush()
            fresh.close()
            shard.close()
            self._shard, self._opened = None, False
            (self._path / _SHARD).rename(self._path / f"{_SHARD}.old")
            (self._path / fresh_name).rename(self._path / _SHARD)
            shutil.rmtree(self._path / f"{_SHARD}.old")
            return True

    def close(self) -> None:
        with self._lock:
            if self._shard is not None:
                self._shard.close()
            self._shard, self._opened = None, False
            self._holder.release()


class _EdgeFusion:
    """:class:`assistant.core.fusion.FusionDialect` in qdrant-edge's query objects."""

    def rrf(self, k: int, weights: list[float] | None) -> Any:
        return qe.Fusion.Rrf(k=k, weights=weights)

    def dbsf(self) -> Any:
        return qe.Fusion.Dbsf()

    def variable(self, name: str) -> Any:
        return qe.Expression.Variable(name)

    def constant(self, value: float) -> Any:
        return qe.Expression.Constant(value)

    def sum(self, terms: list[Any]) -> Any:
        return qe.Expression.Sum(terms)

    def mult(self, factors: list[Any]) -> Any:
        return qe.Expression.Mult(factors)

    def div(self, left: Any, right: Any, by_zero: float) -> Any:
        return qe.Expression.Div(left, right, by_zero)

    def formula(self, expression: Any, defaults: dict[str, float]) -> Any:
        return qe.Formula(expression, defaults=defaults)
