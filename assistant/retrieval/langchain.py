"""The searcher as a langchain ``BaseRetriever``, so it composes with langchain chains (generation)."""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.core.domain import SearchHit
from assistant.core.index import SearchMode
from assistant.retrieval.searcher import Searcher


def to_document(hit: SearchHit) -> Document:
    c = hit.chunk
    metadata = {
        "source": c.source,
        "doc_id": c.doc_id,
        "chunk_id": c.chunk_id,
        "title": c.title,
        "section": c.section,
        "language": c.language,
        "score": hit.score,
    }
    return Document(page_content=c.text, id=c.chunk_id, metadata=metadata)


class AssistantRetriever(BaseRetriever):
    """Retrieves chunks for one asker: the access filter of ``role`` (and ``store``) is applied inside the query."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: Searcher
    role: str
    store: str | None = None
    top_k: int = 5
    mode: SearchMode | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = self.searcher.search(query, self.role, self.top_k, store=self.store, mode=self.mode)
        return [to_document(h) for h in hits]
