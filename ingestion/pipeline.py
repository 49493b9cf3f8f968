"""Ingestion pipeline: discover files, skip unchanged ones, prepare (parse, chunk, pseudonymize), embed and index in
batches; delete removed files.

One bad file never stops the batch; a failed file keeps whatever version of it was already indexed. Preparation runs
in this process or in worker processes (:class:`ingestion.preparation.Preparation`); the report is the same either
way, in the order of the plan.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path

from assistant.core.embedding import Embedder
from assistant.core.index import SparseEncoder, VectorIndex
from assistant.core.protection import NameMemory, TextProtector
from assistant.core.registry import DocumentRegistry
from assistant.core.text import printable
from assistant.core.tracing import annotate, span
from ingestion.chunking import Chunker
from ingestion.documents import split_tags
from ingestion.errors import DocumentReadError, IngestionError
from ingestion.parsers import ParserRegistry
from ingestion.planning import chunk_id_for, doc_id_for, plan_ingestion
from ingestion.preparation import (
    DocumentPreparer,
    InlinePreparation,
    Preparation,
    PreparationFailure,
    PreparedDocument,
    PrepareTask,
)
from ingestion.report import FileOutcome, IngestPlan, IngestReport
from ingestion.space import SpaceGuard, disk_full_error, is_disk_full
from ingestion.writer import BatchWriter

__all__ = ["AUDIENCE_FILE", "Ingestor", "chunk_id_for", "doc_id_for"]

AUDIENCE_FILE = ".audience"
Progress = Callable[[FileOutcome], None]


class Ingestor:
    def __init__(
        self,
        parsers: ParserRegistry,
        chunker: Chunker,
        embedder: Embedder,
        sparse: SparseEncoder,
        index: VectorIndex,
        registry: DocumentRegistry,
        *,
        known_audiences: Collection[str],
        default_audience: Sequence[str],
        languages: Sequence[str],
        max_file_bytes: int,
        model_id: str,
        protector: TextProtector,
        batch_chunks: int = 256,
        workers: Callable[[], Preparation] | None = None,
        guard: SpaceGuard | None = None,
    ) -> None:
        """``workers`` makes the pool of preparing processes for a run (None: prepare in this process);
        ``batch_chunks`` is how many chunks wait before they are embedded and written together; ``guard`` is
        checked before each document is written (a full disk stops the batch cleanly)."""
        self._parsers = parsers
        self._embedder = embedder
        self._sparse = sparse
        self._index = index
        self._registry = registry
        self._default_audience = tuple(default_audience)
        self._max_bytes = max_file_bytes
        self._protector = protector
        self._batch_chunks = batch_chunks
        self._workers = workers
        self._guard = guard
        self._preparer = DocumentPreparer(
            parsers, chunker, protector, known_audiences=known_audiences, default_audience=default_audience,
            languages=languages,
        )  # fmt: skip
        self._config_key = (
            f"{model_id}|{chunker.max_chars}|{chunker.overlap_chars}|{chunker.min_chars}|{protector.fingerprint}"
        )

    # -- planning -------------------------------------------------------------------------------
    def plan(self, paths: Sequence[Path]) -> IngestPlan:
        return plan_ingestion(paths, self._registry, self._parsers)

    # -- running --------------------------------------------------------------------------------
    def run(
        self,
        plan: IngestPlan,
        audience: Sequence[str] | None = None,
        on_progress: Progress | None = None,
        *,
        force: bool = False,
    ) -> IngestReport:
        with span("ingest", assistant__files=len(plan.files), assistant__removed=len(plan.removed)) as current:
            report = self._run(plan, audience, on_progress, force)
            annotate(
                current,
                assistant__chunks_embedded=report.chunks_embedded,
                assistant__chunks_deleted=report.chunks_deleted,
                assistant__failed=sum(1 for o in report.outcomes if o.status == "failed"),
            )
        return report

    def _run(
        self, plan: IngestPlan, audience: Sequence[str] | None, on_progress: Progress | None, force: bool
    ) -> IngestReport:
        report = IngestReport(outcomes=list(plan.errors), skipped=list(plan.skipped))
        if audience is not None:
            self._preparer.check_audience(audience, "--audience")
        if plan.files or plan.removed:
            self._index.count()  # the index first: held by another process, or down, stops us before any write
        for record in plan.removed:
            removed = self._index.delete_document(record.doc_id)
            self._registry.remove(record.doc_id)
            report.chunks_deleted += removed
            outcome = FileOutcome(record.source, "deleted", record.doc_id, removed, record.audience)
            report.outcomes.append(outcome)
            if on_progress:
                on_progress(outcome)
        settled: dict[int, FileOutcome] = {}

        def settle(position: int, outcome: FileOutcome) -> None:
            settled[position] = outcome
            if on_progress:
                on_progress(outcome)

        seconds: dict[str, float] = defaultdict(float)
        writer = BatchWriter(
            self._embedder, self._sparse, self._index, self._registry, batch_chunks=self._batch_chunks,
            committed=settle,
        )  # fmt: skip
        override = tuple(audience) if audience is not None else None
        preparation = self._workers() if self._workers else InlinePreparation(self._preparer)
        try:
            for result in preparation.map(self._tasks(plan, override, force, settle)):
                if isinstance(result, PreparationFailure):
                    task = result.task
                    shown = result.shown or str(task.path)
                    settle(task.position, FileOutcome(shown, "failed", task.doc_id, error=result.error))
                    continue
                document = self._share_names(result, seconds) if preparation.parallel else result
                for stage, value in document.seconds.items():
                    seconds[stage] += value
                if self._guard is not None:
                    self._guard.check()
                writer.add(document)
            writer.finish()
        except Exception as exc:
            if is_disk_full(exc):  # the batch stops: every next file would fail the same way
                raise disk_full_error(self._guard.data_dir if self._guard else Path("(data dir)")) from None
            raise
        finally:
            preparation.close()
        report.outcomes.extend(settled[p] for p in sorted(settled))
        report.chunks_embedded += writer.chunks_embedded
        report.chunks_deleted += writer.chunks_deleted
        report.seconds = {**seconds, **writer.seconds}
        return report

    def _tasks(
        self,
        plan: IngestPlan,
        override: tuple[str, ...] | None,
        force: bool,
        settle: Callable[[int, FileOutcome], None],
    ) -> Iterator[PrepareTask]:
        """The files to prepare; unchanged and unreadable ones are settled here without preparing them."""
        for position, (path, root) in enumerate(plan.files):
            try:
                task = self._triage(position, path, root, override, force)
            except IngestionError as exc:
                task = FileOutcome(str(path), "failed", doc_id_for(str(path)), error=str(exc))
            except OSError as exc:
                error = f"{printable(path.name)}: cannot read the file ({exc.strerror}); check its permissions"
                task = FileOutcome(str(path), "failed", doc_id_for(str(path)), error=error)
            if isinstance(task, FileOutcome):
                settle(position, task)
            else:
                yield task

    def _share_names(self, document: PreparedDocument, seconds: dict[str, float]) -> PreparedDocument:
        """A worker's document with the names every worker learnt so far replaced too (see NameMemory)."""
        memory = self._protector
        if not isinstance(memory, NameMemory):
            return document
        started = time.perf_counter()
        memory.remember(document.names)
        chunks = document.chunks
        n = len(chunks)
        again = memory.reapply([document.title, *(c.section for c in chunks), *(c.text for c in chunks)])
        title = again[0].text
        chunks = [
            dataclasses.replace(c, title=title, section=again[1 + i].text, text=again[1 + n + i].text)
            for i, c in enumerate(chunks)
        ]
        mentions = document.mentions | {t for p in again for t in p.tokens}
        seconds["pseudonymize"] += time.perf_counter() - started
        return dataclasses.replace(document, chunks=chunks, title=title, mentions=mentions)

    def ingest(
        self, paths: Sequence[Path], audience: Sequence[str] | None = None, *, force: bool = False
    ) -> IngestReport:
        """``force`` re-indexes even unchanged files (after an erasure, for instance)."""
        return self.run(self.plan(paths), audience, force=force)

    def _sidecar_audience(self, path: Path, root: Path) -> tuple[str, ...]:
        folder = path.parent
        while True:
            candidate = folder / AUDIENCE_FILE
            if candidate.is_file():
                return tuple(split_tags(candidate.read_text(encoding="utf-8")))
            if folder in (root, folder.parent) or root not in folder.parents:
                return ()
            folder = folder.parent

    def _triage(
        self, position: int, path: Path, root: Path, override: tuple[str, ...] | None, force: bool
    ) -> PrepareTask | FileOutcome:
        """The file read and fingerprinted: its unchanged outcome, or the task that prepares it."""
        source, name = str(path), printable(path.name)  # a name with a line break must not forge a report line
        doc_id = doc_id_for(source)
        size = path.stat().st_size
        if size == 0:
            raise DocumentReadError(f"{name}: the file is empty")
        if size > self._max_bytes:
            raise DocumentReadError(
                f"{name}: {size / 1e6:.1f} MB is above the {self._max_bytes / 1e6:.1f} MB limit; split it "
                "or raise ASSISTANT_INGESTION_MAX_FILE_BYTES"
            )
        self._parsers.for_path(path)  # an unsupported file named explicitly fails before it is read
        data = path.read_bytes()
        content_hash = hashlib.sha256(data).hexdigest()
        external = override if override is not None else self._sidecar_audience(path, root)
        fingerprint = hashlib.sha256(
            f"{content_hash}|{','.join(external)}|{','.join(self._default_audience)}|{self._config_key}".encode()
        ).hexdigest()
        previous = self._registry.get(doc_id)
        unchanged = (
            previous and previous.fingerprint == fingerprint and self._index.count(doc_id) == previous.chunk_count
        )
        if unchanged and previous and not force:
            return FileOutcome(source, "unchanged", doc_id, previous.chunk_count, previous.audience, previous.language)
        return PrepareTask(
            position, path, root, data, content_hash, fingerprint, override, external, previous is not None
        )
