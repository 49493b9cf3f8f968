import numpy as np
import pytest

from assistant.core.domain import Chunk
from assistant.core.errors import UnknownRoleError
from assistant.retrieval.access import AccessPolicy
from assistant.retrieval.langchain import AssistantRetriever
from assistant.retrieval.searcher import Searcher
from tests.fakes import FakeEmbedder, FakeSparseEncoder, InMemoryIndex

pytestmark = pytest.mark.unit


def retriever(role: str) -> AssistantRetriever:
    embedder, sparse, index = FakeEmbedder(), FakeSparseEncoder(), InMemoryIndex()
    texts = {"a": (("store",), "retour sous trente jours"), "b": (("hr",), "grille des salaires retour")}
    chunks = [
        Chunk(f"00000000-0000-0000-0000-00000000000{i}", d, f"/{d}.md", d, "", t, "fr", aud, "h", 0)
        for i, (d, (aud, t)) in enumerate(texts.items())
    ]
    index.upsert(chunks, embedder.embed_passages([c.text for c in chunks]), sparse.encode_documents(["x", "y"], []))
    searcher = Searcher(embedder, sparse, index, AccessPolicy({"store": ["store"], "hr": ["hr"]}), languages=["fr"])
    return AssistantRetriever(searcher=searcher, role=role, top_k=5, mode="dense")


def test_invoke_returns_documents_with_citation_metadata() -> None:
    docs = retriever("store").invoke("retour")
    assert [d.metadata["source"] for d in docs] == ["/a.md"]
    assert docs[0].id == docs[0].metadata["chunk_id"]
    assert not np.isnan(docs[0].metadata["score"])


def test_role_filter_applies_and_unknown_role_fails() -> None:
    assert [d.metadata["source"] for d in retriever("hr").invoke("retour")] == ["/b.md"]
    with pytest.raises(UnknownRoleError):
        retriever("intern").invoke("retour")


@pytest.mark.parametrize("fusion", ["rrf", "dbsf", "boost"])
def test_searcher_passes_its_fusion_to_the_index(fusion: str) -> None:
    searcher = Searcher(
        FakeEmbedder(),
        FakeSparseEncoder(),
        InMemoryIndex(),
        AccessPolicy({"store": ["store"]}),
        languages=["fr"],
        fusion=fusion,  # type: ignore[arg-type]
    )
    request = searcher.prepare("retour", "store", 5)
    assert request is not None
    assert request.fusion == fusion
