"""Who may read what: roles, clearance, store and region scope — as filters and end to end through the index."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.core.errors import UnknownRoleError
from assistant.core.index import AccessFilter, IndexQuery
from assistant.core.protection import NoProtection
from assistant.retrieval.access import AccessPolicy
from ingestion.chunking import Chunker
from ingestion.parsers import default_registry
from ingestion.pipeline import Ingestor
from ingestion.registry import SqliteDocumentRegistry
from tests.fakes import FakeEmbedder, FakeSparseEncoder, InMemoryIndex

pytestmark = pytest.mark.unit
POLICY = AccessPolicy(
    {"store": ["store", "public"], "hq": ["hq", "store", "public"], "hr": ["hr"]},
    {"hq": "confidential", "hr": "secret"},
    ["store"],
    {"PAR-01": "Ile-de-France", "lyo-02": "sud-est"},
)


@pytest.mark.parametrize(
    ("role", "store", "expected"),
    [
        (
            "store",
            "PAR-01",
            AccessFilter(frozenset({"store", "public"}), 1, frozenset({"par-01", "region:ile-de-france"})),
        ),
        (
            "store",
            " par-01 ",
            AccessFilter(frozenset({"store", "public"}), 1, frozenset({"par-01", "region:ile-de-france"})),
        ),
        ("store", "LYO-02", AccessFilter(frozenset({"store", "public"}), 1, frozenset({"lyo-02", "region:sud-est"}))),
        ("store", "NAN-09", AccessFilter(frozenset({"store", "public"}), 1, frozenset({"nan-09"}))),  # no region known
        ("store", None, AccessFilter(frozenset({"store", "public"}), 1, frozenset())),  # only documents for every store
        ("hq", "PAR-01", AccessFilter(frozenset({"hq", "store", "public"}), 2, None)),  # not store-scoped
        ("hr", None, AccessFilter(frozenset({"hr"}), 3, None)),
    ],
)
def test_filter_for(role: str, store: str | None, expected: AccessFilter) -> None:
    assert POLICY.filter_for(role, store) == expected


def test_unknown_role_gets_nothing_and_an_error_naming_the_roles() -> None:
    with pytest.raises(UnknownRoleError, match="intern") as err:
        POLICY.filter_for("intern")
    assert "store" in str(err.value)


DOCS = {
    "national.md": "---\naudience: store\n---\n# National\n\nConsigne nationale.\n",
    "paris.md": "---\naudience: store\nstores: PAR-01\n---\n# Paris\n\nConsigne du magasin de Paris.\n",
    "idf.md": "---\naudience: store\nregions: Ile-de-France\n---\n# IDF\n\nConsigne régionale.\n",
    "sud.md": "---\naudience: store\nregions: sud-est\n---\n# Sud\n\nConsigne du sud-est.\n",
}


@pytest.mark.parametrize(
    ("store", "visible"),
    [
        ("PAR-01", {"national", "paris", "idf"}),
        ("LYO-02", {"national", "sud"}),
        ("NAN-09", {"national"}),
        (None, {"national"}),
    ],
)
def test_store_staff_see_national_their_store_and_their_region_documents(
    tmp_path: Path, store: str | None, visible: set[str]
) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    for name, text in DOCS.items():
        (root / name).write_text(text, encoding="utf-8")
    index, embedder = InMemoryIndex(), FakeEmbedder()
    Ingestor(
        default_registry(), Chunker(300, 50, 0), embedder, FakeSparseEncoder(), index,
        SqliteDocumentRegistry(tmp_path / "reg.sqlite"), known_audiences={"store", "public"},
        default_audience=["store"], languages=["fr"], max_file_bytes=10_000, model_id="m", protector=NoProtection(),
    ).ingest([root])  # fmt: skip
    query = np.ones(embedder.dimension, dtype=np.float32).tolist()
    hits = index.search(IndexQuery(POLICY.filter_for("store", store), 10, query, mode="dense"))
    assert {Path(h.chunk.source).stem for h in hits} == visible
