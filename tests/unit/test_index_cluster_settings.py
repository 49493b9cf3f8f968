"""The collection's cluster settings (shards, replicas, write consistency) reach Qdrant when the application creates
the collection, and an existing collection is brought to them (its shard count cannot change).

qdrant-client's local mode stands in for the server (it stores, but ignores, cluster parameters): a spy records what
the adapter asks of it. The server path itself needs a Qdrant cluster, which the Kubernetes manifests deploy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from qdrant_client import QdrantClient, models

from assistant.core.errors import ConfigurationError
from assistant.index.qdrant import QdrantIndex
from assistant.index.settings import QdrantSettings
from assistant.settings import load_settings
from tests.contracts.vector_index import make_chunk, term, unit

pytestmark = pytest.mark.unit


class Spy:
    def __init__(self, real: QdrantClient, shards: int | None = None) -> None:
        self.real, self.calls, self.shards = real, [], shards

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.real, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, kwargs))
            result = method(*args, **kwargs)
            if name == "get_collection" and self.shards is not None:  # what a cluster reports for an older collection
                params = result.config.params
                params.shard_number, params.replication_factor, params.write_consistency_factor = self.shards, 1, 1
            return result

        return call


def index_with(tmp_path: Path, spy_shards: int | None = None, **settings: Any) -> tuple[QdrantIndex, Spy]:
    index = QdrantIndex(QdrantSettings(url="http://qdrant.test:6333", **settings), tmp_path)
    spy = Spy(QdrantClient(path=str(tmp_path / "local")), spy_shards)
    index.__dict__["_client"] = spy
    return index, spy


def write(index: QdrantIndex) -> None:
    index.upsert([make_chunk("a", 0)], np.stack([unit(0)]), [term(0)])


def test_a_new_collection_gets_the_configured_shards_replicas_and_write_consistency(tmp_path: Path) -> None:
    index, spy = index_with(tmp_path, shard_number=6, replication_factor=2, write_consistency_factor=2)
    write(index)
    (create,) = [kw for name, kw in spy.calls if name == "create_collection"]
    assert (create["shard_number"], create["replication_factor"], create["write_consistency_factor"]) == (6, 2, 2)


def test_an_existing_collection_takes_new_replication_settings(tmp_path: Path) -> None:
    first, _ = index_with(tmp_path)
    write(first)
    first.close()
    index, spy = index_with(tmp_path, spy_shards=1, replication_factor=3, write_consistency_factor=2)
    write(index)
    (update,) = [kw for name, kw in spy.calls if name == "update_collection"]
    assert update["collection_params"] == models.CollectionParamsDiff(replication_factor=3, write_consistency_factor=2)


def test_another_shard_count_than_the_collection_has_is_refused_with_the_way_out(tmp_path: Path) -> None:
    first, _ = index_with(tmp_path)
    write(first)
    first.close()
    index, _ = index_with(tmp_path, spy_shards=2, shard_number=4)
    with pytest.raises(ConfigurationError, match="has 2 shards but ASSISTANT_QDRANT_SHARD_NUMBER is 4"):
        write(index)


def test_write_consistency_cannot_exceed_the_replicas() -> None:
    with pytest.raises(ConfigurationError, match="ASSISTANT_QDRANT_WRITE_CONSISTENCY_FACTOR"):
        load_settings(qdrant={"replication_factor": 2, "write_consistency_factor": 3})
