"""The index side of ingestion: prepared documents embedded and written in batches, then recorded in the registry.

Chunks of several documents are embedded in one call (the embedder splits it into its own batches: a GPU or a
remote embedding server is fed full batches instead of one document at a time) and written in one upsert. A
document is recorded in the registry only after its chunks are in the index: a run stopped half-way (a backing
service down) leaves the documents of the unfinished batch unrecorded, and the next run does them again.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable

from assistant.core.domain import Chunk
from assistant.core.embedding import Embedder
from assistant.core.index import SparseEncoder, VectorIndex
from assistant.core.registry import DocumentRecord, DocumentRegistry
from assistant.core.tracing import span
from ingestion.preparation import PreparedDocument
from ingestion.report import FileOutcome, Status

Committed = Callable[[int, FileOutcome], None]  # (position in the run, outcome)


class BatchWriter:
    """Collects prepared documents; :meth:`flush` embeds and writes them once ``batch_chunks`` chunks wait."""

    def __init__(
        self,
        embedder: Embedder,
        sparse: SparseEncoder,
        index: VectorIndex,
        registry: DocumentRegistry,
        *,
        batch_chunks: int,
        committed: Committed,
    ) -> None:
        self._embedder = embedder
        self._sparse = sparse
        self._index = index
        self._registry = registry
        self._batch_chunks = batch_chunks
        self._committed = committed
        self._pending: list[PreparedDocument] = []
        self.chunks_embedded = 0
        self.chunks_deleted = 0
        self.seconds: dict[str, float] = defaultdict(float)  # embed, index

    def add(self, document: PreparedDocument) -> None:
        self._pending.append(document)
        if sum(len(d.chunks) for d in self._pending) >= self._batch_chunks:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        chunks: list[Chunk] = [c for d in batch for c in d.chunks]
        texts = [c.embedding_text() for c in chunks]
        started = time.perf_counter()
        with span("embed", assistant__texts=len(texts)):
            dense = self._embedder.embed_passages(texts)
            sparse = self._sparse.encode_documents(texts, [c.language for c in chunks])
        embedded = time.perf_counter()
        self.seconds["embed"] += embedded - started
        self._index.upsert(chunks, dense, sparse)  # overwrites chunks 0..n-1 in place: no gap while re-indexing
        outcomes = []
        for d in batch:
            task = d.task
            self.chunks_deleted += self._index.delete_document(task.doc_id, from_index=len(d.chunks))
            record = DocumentRecord(
                task.doc_id, str(task.path), task.content_hash, task.fingerprint, len(d.chunks), d.audience,
                d.language, d.title,
            )  # fmt: skip
            self._registry.put(record)
            self._registry.set_mentions(task.doc_id, set(d.mentions))
            status: Status = "updated" if task.previous else "added"
            outcomes.append((task.position, FileOutcome(str(task.path), status, task.doc_id, len(d.chunks),
                                                        d.audience, d.language)))  # fmt: skip
        self.chunks_embedded += len(chunks)
        self.seconds["index"] += time.perf_counter() - embedded
        for position, outcome in outcomes:
            self._committed(position, outcome)

    def finish(self) -> None:
        """Write what waits and let the index persist and build its indexes (counted as index time)."""
        self.flush()
        started = time.perf_counter()
        self._index.flush()
        self.seconds["index"] += time.perf_counter() - started
