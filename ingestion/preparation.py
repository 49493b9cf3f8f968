"""Preparing one document for the index: parse, chunk, detect languages, pseudonymize. No model, no index.

This is the CPU-heavy part of ingestion that needs nothing shared, so it runs in this process
(:class:`InlinePreparation`) or in a pool of worker processes (``assistant ingest --workers N``, built by the
composition root); the embedding and the index writes stay in the process that owns the index
(:mod:`ingestion.writer`). Tasks and results are plain picklable data.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from assistant.core.domain import CONFIDENTIALITY_LEVELS, REGION_PREFIX, Chunk
from assistant.core.protection import TextProtector
from assistant.core.text import detect_language, printable
from assistant.core.tracing import annotate, span
from ingestion.chunking import Chunker
from ingestion.documents import ParsedDocument
from ingestion.errors import DocumentReadError, IngestionError, PersonalFileNameError
from ingestion.parsers import ParserRegistry
from ingestion.planning import chunk_id_for, doc_id_for
from ingestion.safety import check_file_name, cleaned


@dataclass(frozen=True)
class PrepareTask:
    """A changed file to prepare: its bytes were read (and hashed) by the process that plans the run."""

    position: int  # order in the run: results are committed and reported in this order
    path: Path
    root: Path  # the folder being ingested (names below it are checked for personal data)
    data: bytes
    content_hash: str
    fingerprint: str
    override: tuple[str, ...] | None  # --audience
    external: tuple[str, ...]  # the .audience file's tags, if any
    previous: bool  # the document was indexed before (the outcome is "updated")

    @property
    def doc_id(self) -> str:
        return doc_id_for(str(self.path))


@dataclass(frozen=True)
class PreparedDocument:
    task: PrepareTask
    chunks: list[Chunk]
    title: str
    language: str
    audience: tuple[str, ...]
    mentions: frozenset[str]  # pseudonym tokens the chunks carry (erasure looks them up)
    names: Mapping[str, str] = field(default_factory=dict)  # names the protector learnt here (see NameMemory)
    seconds: Mapping[str, float] = field(default_factory=dict)  # busy time per stage: parse, pseudonymize


@dataclass(frozen=True)
class PreparationFailure:
    task: PrepareTask
    error: str  # the one-line message naming the file and the fix
    shown: str | None = None  # the path to report instead of the task's, when the path itself is personal data


Prepared = PreparedDocument | PreparationFailure


class Preparation(Protocol):
    """Runs :class:`DocumentPreparer` over tasks. Contract: one result per task, in task order, consumed lazily
    (a bounded number of tasks in flight); a bad file is a :class:`PreparationFailure`, anything else (a backing
    service down) is raised. ``parallel`` says whether several processes prepare (each with its own name memory)."""

    parallel: bool

    def map(self, tasks: Iterable[PrepareTask]) -> Iterator[Prepared]: ...

    def close(self) -> None: ...


class DocumentPreparer:
    def __init__(
        self,
        parsers: ParserRegistry,
        chunker: Chunker,
        protector: TextProtector,
        *,
        known_audiences: Collection[str],
        default_audience: Sequence[str],
        languages: Sequence[str],
    ) -> None:
        self._parsers = parsers
        self._chunker = chunker
        self._protector = protector
        self._known = set(known_audiences)
        self._default_audience = tuple(default_audience)
        self._languages = list(languages)

    def check_audience(self, audience: Sequence[str], where: str) -> None:
        unknown = sorted(set(audience) - self._known)
        if unknown or not audience:
            raise IngestionError(
                f"{where}: audience {list(audience)} has unknown or no tags {unknown}; "
                f"known audiences: {', '.join(sorted(self._known))} (roles are set in ASSISTANT_ACCESS_ROLES)"
            )

    def attempt(self, task: PrepareTask) -> Prepared:
        """:meth:`prepare`, with a bad file turned into a failure (the batch goes on)."""
        try:
            with span("ingest.document", assistant__doc_id=task.doc_id) as current:
                prepared = self.prepare(task)
                annotate(current, assistant__chunks=len(prepared.chunks))
            return prepared
        except PersonalFileNameError as exc:  # its path is personal data: named by its pseudonymized form
            return PreparationFailure(task, str(exc), exc.shown)
        except IngestionError as exc:
            return PreparationFailure(task, str(exc))

    def prepare(self, task: PrepareTask) -> PreparedDocument:
        name = printable(task.path.name)  # a name with a line break must not forge a report line
        started = time.perf_counter()
        parser = self._parsers.for_path(task.path)
        check_file_name(self._protector, task.path, task.root, self._languages[0])
        try:
            doc = cleaned(parser.parse(task.data, name))
        except IngestionError:
            raise
        except Exception as exc:  # a parser library choking on odd input must not stop the batch
            raise DocumentReadError(
                f"{name}: the {printable(task.path.suffix)} parser failed ({type(exc).__name__}); the file is probably "
                "malformed — re-save it from its source application"
            ) from exc
        audience = task.override if task.override is not None else tuple(doc.audience) or task.external
        audience = audience or self._default_audience
        self.check_audience(audience, name)
        confidentiality = _confidentiality(doc.confidentiality, name)
        language = doc.language or detect_language(doc.text, self._languages)
        drafts = self._chunker.chunk(doc)
        if not drafts:
            raise DocumentReadError(f"{name}: nothing to index after chunking")
        languages = [
            detect_language(d.text, self._languages, default=language) if len(d.text) > 80 else language for d in drafts
        ]
        parsed = time.perf_counter()
        n = len(drafts)
        with span("pseudonymize", assistant__texts=2 * n + 1) as current:
            protected = self._protector.protect(
                [doc.title, *(d.section for d in drafts), *(d.text for d in drafts)], [language, *languages, *languages]
            )
            annotate(current, assistant__entities=sum(len(p.tokens) for p in protected))
        safe = [p.text for p in protected]
        title, sections, texts = safe[0], safe[1 : n + 1], safe[n + 1 :]
        chunks = [
            Chunk(
                chunk_id=chunk_id_for(task.doc_id, i),
                doc_id=task.doc_id,
                source=str(task.path),
                title=title,
                section=sections[i],
                text=texts[i],
                language=languages[i],
                audience=audience,
                content_hash=task.content_hash,
                chunk_index=i,
                stores=_stores(doc),
                confidentiality=confidentiality,
            )
            for i in range(n)
        ]
        seconds = {"parse": parsed - started, "pseudonymize": time.perf_counter() - parsed}
        mentions = frozenset(t for p in protected for t in p.tokens)
        return PreparedDocument(task, chunks, title, language, audience, mentions, seconds=seconds)


class InlinePreparation:
    """Prepares in this process, one task at a time (the default, ``--workers 1``)."""

    parallel = False

    def __init__(self, preparer: DocumentPreparer) -> None:
        self._preparer = preparer

    def map(self, tasks: Iterable[PrepareTask]) -> Iterator[Prepared]:
        return (self._preparer.attempt(task) for task in tasks)

    def close(self) -> None:
        """Nothing to release."""


def _stores(doc: ParsedDocument) -> tuple[str, ...]:
    return (*doc.stores, *(f"{REGION_PREFIX}{r}" for r in doc.regions)) or ("*",)


def _confidentiality(level: str, name: str) -> int:
    if not level:
        return CONFIDENTIALITY_LEVELS["internal"]
    if level not in CONFIDENTIALITY_LEVELS:
        known = ", ".join(CONFIDENTIALITY_LEVELS)
        raise IngestionError(f"{name}: unknown confidentiality {level!r}; use one of {known}")
    return CONFIDENTIALITY_LEVELS[level]
