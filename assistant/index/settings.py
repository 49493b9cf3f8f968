"""Settings of the vector index (``ASSISTANT_INDEX_*``) and of a Qdrant server or cluster (``ASSISTANT_QDRANT_*``).

Groups of :class:`assistant.settings.Settings`. No environment access here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator


class QdrantSettings(BaseModel):
    url: str | None = Field(
        None, description="Qdrant server URL. Unset: embedded local mode stored under the data dir."
    )
    api_key: SecretStr | None = Field(None, description="Qdrant server API key (never printed).")
    collection: str = Field("documents", min_length=1, description="Collection holding the document chunks.")
    timeout_s: float = Field(10.0, gt=0, description="Request timeout for a Qdrant server.")
    shard_number: int = Field(
        1,
        ge=1,
        le=1024,
        description="Shards of the collection, set when the application creates it (a cluster spreads them over its "
        "nodes; Qdrant's advice: a multiple of the node count). Fixed once the collection exists.",
    )
    replication_factor: int = Field(
        1,
        ge=1,
        le=16,
        description="Copies of each shard on distinct nodes (2 or more: a node can fail without losing data or "
        "availability). Set at creation; applied to an existing collection's parameters when it differs.",
    )
    write_consistency_factor: int = Field(
        1,
        ge=1,
        le=16,
        description="Replicas that must acknowledge a write before it succeeds (at most replication_factor). Set at "
        "creation; applied to an existing collection's parameters when it differs.",
    )

    @model_validator(mode="after")
    def _consistency_within_replicas(self) -> QdrantSettings:
        if self.write_consistency_factor > self.replication_factor:
            raise ValueError(
                f"write_consistency_factor {self.write_consistency_factor} is above replication_factor "
                f"{self.replication_factor}: a write cannot be acknowledged by more replicas than exist; lower "
                "ASSISTANT_QDRANT_WRITE_CONSISTENCY_FACTOR or raise ASSISTANT_QDRANT_REPLICATION_FACTOR"
            )
        return self


class IndexSettings(BaseModel):
    backend: Literal["auto", "qdrant-edge", "qdrant"] = Field(
        "auto",
        description="Vector index adapter: qdrant-edge (the real Qdrant engine embedded, default), qdrant "
        "(qdrant-client: server/cluster at ASSISTANT_QDRANT_URL, or its local mode). auto = qdrant when a URL is set.",
    )
    search_mode: Literal["dense", "sparse", "hybrid"] = Field(
        "hybrid", description="dense (embeddings), sparse (BM25) or hybrid (both fused in the engine, see fusion)."
    )
    candidates: int = Field(50, ge=1, le=1000, description="Per-branch candidates fused by hybrid search.")
    fusion: Literal["rrf", "dbsf", "boost"] = Field(
        "dbsf",
        description="Hybrid fusion in the engine: dbsf (distribution-based score fusion; best measured, see README), "
        "rrf (reciprocal rank fusion, rrf_*_weight) or boost (dense cosine + saturated BM25; e5 cosines only).",
    )
    boost_weight: float = Field(0.05, ge=0, description="boost fusion: weight of the saturated BM25 score.")
    boost_saturation: float = Field(
        20.0, gt=0, description="boost fusion: BM25 score that counts half (about a typical top BM25 score)."
    )
    boost_dense_floor: float = Field(
        0.75, ge=-1, le=1, description="boost fusion: cosine assumed for a chunk only BM25 found (e5: unrelated ~0.75)."
    )
    rrf_dense_weight: float = Field(
        1.0, ge=0, description="rrf fusion: weight of the dense list (1 and 1: plain reciprocal rank fusion)."
    )
    rrf_sparse_weight: float = Field(1.0, ge=0, description="rrf fusion: weight of the BM25 list.")
    bm25_avg_len: float = Field(120.0, gt=0, description="Average chunk length in tokens assumed by BM25.")
