"""Ingestion pipeline: discover files, skip unchanged ones, parse, chunk, embed, index; delete removed files.

One bad file never stops the batch; a failed file keeps whatever version of it was already indexed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from assistant.core.domain import CONFIDENTIALITY_LEVELS, REGION_PREFIX, Chunk
from assistant.core.embedding import Embedder
from assistant.core.index import SparseEncoder, VectorIndex
from assistant.core.protection import TextProtector
from assistant.core.registry import DocumentRecord, DocumentRegistry
from assistant.core.text import detect_language, printable
from assistant.core.tracing import annotate, span
from ingestion.chunking import Chunker
from ingestion.documents import ParsedDocument, split_tags
from ingestion.errors import DocumentReadError, IngestionError, PersonalFileNameError
from ingestion.parsers import ParserRegistry
from ingestion.planning import chunk_id_for, doc_id_for, plan_ingestion
from ingestion.report import FileOutcome, IngestPlan, IngestReport, Status
from ingestion.safety import check_file_name, cleaned
from ingestion.space import SpaceGuard, disk_full_error, is_disk_full

AUDIENCE_FILE = ".audience"
__all__ = ["Ingestor", "chunk_id_for", "doc_id_for"]


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
        guard: SpaceGuard | None = None,
    ) -> None:
        """``guard``: checked before each file is written (a full disk stops the batch cleanly)."""
        self._parsers = parsers
        self._chunker = chunker
        self._embedder = embedder
        self._sparse = sparse
        self._index = index
        self._registry = registry
        self._known = set(known_audiences)
        self._default_audience = tuple(default_audience)
        self._languages = list(languages)
        self._max_bytes = max_file_bytes
        self._protector = protector
        self._guard = guard
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
        on_progress: Callable[[FileOutcome], None] | None = None,
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
        self,
        plan: IngestPlan,
        audience: Sequence[str] | None,
        on_progress: Callable[[FileOutcome], None] | None,
        force: bool,
    ) -> IngestReport:
        report = IngestReport(outcomes=list(plan.errors), skipped=list(plan.skipped))
        if audience is not None:
            self._check_audience(audience, "--audience")
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
        for path, root in plan.files:
            try:
                with span("ingest.document", assistant__doc_id=doc_id_for(str(path))) as current:
                    outcome = self._ingest_file(path, root, audience, report, force)
                    annotate(current, assistant__status=outcome.status, assistant__chunks=outcome.chunks)
            except PersonalFileNameError as exc:  # its path is personal data: named by its pseudonymized form
                outcome = FileOutcome(exc.shown, "failed", doc_id_for(str(path)), error=str(exc))
            except IngestionError as exc:
                outcome = FileOutcome(str(path), "failed", doc_id_for(str(path)), error=str(exc))
            except Exception as exc:
                if is_disk_full(exc):  # the batch stops: every next file would fail the same way
                    raise disk_full_error(self._guard.data_dir if self._guard else Path("(data dir)")) from None
                if not isinstance(exc, OSError):
                    raise
                error = f"{printable(path.name)}: cannot read the file ({exc.strerror}); check its permissions"
                outcome = FileOutcome(str(path), "failed", doc_id_for(str(path)), error=error)
            report.outcomes.append(outcome)
            if on_progress:
                on_progress(outcome)
        self._index.flush()
        return report

    def ingest(
        self, paths: Sequence[Path], audience: Sequence[str] | None = None, *, force: bool = False
    ) -> IngestReport:
        """``force`` re-indexes even unchanged files (after an erasure, for instance)."""
        return self.run(self.plan(paths), audience, force=force)

    def _check_audience(self, audience: Sequence[str], where: str) -> None:
        unknown = sorted(set(audience) - self._known)
        if unknown or not audience:
            raise IngestionError(
                f"{where}: audience {list(audience)} has unknown or no tags {unknown}; "
                f"known audiences: {', '.join(sorted(self._known))} (roles are set in ASSISTANT_ACCESS_ROLES)"
            )

    def _chunks(
        self, doc: ParsedDocument, doc_id: str, source: str, name: str, content_hash: str, audience: tuple[str, ...]
    ) -> tuple[list[Chunk], str, str, set[str]]:
        """Chunk, detect languages, and pass every indexed string (title, sections, texts) through the protector."""
        confidentiality = self._confidentiality(doc.confidentiality, name)
        stores = (*doc.stores, *(f"{REGION_PREFIX}{r}" for r in doc.regions)) or ("*",)
        language = doc.language or detect_language(doc.text, self._languages)
        drafts = self._chunker.chunk(doc)
        if not drafts:
            raise DocumentReadError(f"{name}: nothing to index after chunking")
        languages = [
            detect_language(d.text, self._languages, default=language) if len(d.text) > 80 else language for d in drafts
        ]
        n = len(drafts)
        with span("pseudonymize", assistant__texts=2 * n + 1) as current:
            protected = self._protector.protect(
                [doc.title, *(d.section for d in drafts), *(d.text for d in drafts)], [language, *languages, *languages]
            )
            annotate(current, assistant__entities=sum(len(p.tokens) for p in protected))
        safe = [p.text for p in protected]
        title, sections, texts = safe[0], safe[1 : n + 1], safe[n + 1 :]
        tokens = {t for p in protected for t in p.tokens}
        chunks = [
            Chunk(
                chunk_id=chunk_id_for(doc_id, i),
                doc_id=doc_id,
                source=source,
                title=title,
                section=sections[i],
                text=texts[i],
                language=languages[i],
                audience=audience,
                content_hash=content_hash,
                chunk_index=i,
                stores=stores,
                confidentiality=confidentiality,
            )
            for i in range(n)
        ]
        return chunks, title, language, tokens

    @staticmethod
    def _confidentiality(level: str, name: str) -> int:
        if not level:
            return CONFIDENTIALITY_LEVELS["internal"]
        if level not in CONFIDENTIALITY_LEVELS:
            raise IngestionError(
                f"{name}: unknown confidentiality {level!r}; use one of {', '.join(CONFIDENTIALITY_LEVELS)}"
            )
        return CONFIDENTIALITY_LEVELS[level]

    def _sidecar_audience(self, path: Path, root: Path) -> tuple[str, ...]:
        folder = path.parent
        while True:
            candidate = folder / AUDIENCE_FILE
            if candidate.is_file():
                return tuple(split_tags(candidate.read_text(encoding="utf-8")))
            if folder in (root, folder.parent) or root not in folder.parents:
                return ()
            folder = folder.parent

    def _ingest_file(
        self, path: Path, root: Path, override: Sequence[str] | None, report: IngestReport, force: bool = False
    ) -> FileOutcome:
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
        parser = self._parsers.for_path(path)
        data = path.read_bytes()
        content_hash = hashlib.sha256(data).hexdigest()
        external = tuple(override) if override is not None else self._sidecar_audience(path, root)
        fingerprint = hashlib.sha256(
            f"{content_hash}|{','.join(external)}|{','.join(self._default_audience)}|{self._config_key}".encode()
        ).hexdigest()
        previous = self._registry.get(doc_id)
        unchanged = (
            previous and previous.fingerprint == fingerprint and self._index.count(doc_id) == previous.chunk_count
        )
        if unchanged and previous and not force:
            return FileOutcome(source, "unchanged", doc_id, previous.chunk_count, previous.audience, previous.language)

        if self._guard is not None:
            self._guard.check()
        check_file_name(self._protector, path, root, self._languages[0])
        try:
            doc = cleaned(parser.parse(data, name))
        except IngestionError:
            raise
        except Exception as exc:  # a parser library choking on odd input must not stop the batch
            raise DocumentReadError(
                f"{name}: the {printable(path.suffix)} parser failed ({type(exc).__name__}); the file is probably "
                "malformed — re-save it from its source application"
            ) from exc
        if override is not None:
            audience = tuple(override)
        else:
            audience = tuple(doc.audience) or external or self._default_audience
        self._check_audience(audience, name)
        chunks, title, language, mentions = self._chunks(doc, doc_id, source, name, content_hash, audience)
        texts = [c.embedding_text() for c in chunks]
        with span("embed", assistant__texts=len(texts)):
            dense = self._embedder.embed_passages(texts)
            sparse = self._sparse.encode_documents(texts, [c.language for c in chunks])
        self._index.upsert(chunks, dense, sparse)  # overwrites chunks 0..n-1 in place: no gap while re-indexing
        report.chunks_deleted += self._index.delete_document(doc_id, from_index=len(chunks))
        report.chunks_embedded += len(chunks)
        self._registry.put(
            DocumentRecord(doc_id, source, content_hash, fingerprint, len(chunks), audience, language, title)
        )
        self._registry.set_mentions(doc_id, mentions)
        status: Status = "updated" if previous else "added"
        return FileOutcome(source, status, doc_id, len(chunks), audience, language)
