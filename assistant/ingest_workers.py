"""Ingestion workers (``assistant ingest --workers N``): processes that parse, chunk and pseudonymize documents.

Each worker is a fresh (spawned) interpreter that builds its own privacy boundary from the settings: the PII models,
the pseudonym key and the vault (the same vault as the main process: a SQLite file written by several processes one
immediate transaction at a time, or PostgreSQL with ``privacy.vault_backend = "postgres"``). Workers never open the
index: the process that runs the ingestion embeds and writes. Results come back in the order of the tasks, with a
bounded number in flight, together with the names each worker's boundary learnt (the main process applies every
worker's names again: see :class:`assistant.core.protection.NameMemory`).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from assistant.core.environment import apply_offline_mode
from assistant.core.errors import BackendError
from assistant.core.protection import NameMemory, NoProtection, TextProtector
from assistant.core.tracing import configure as configure_tracing
from ingestion.chunking import Chunker
from ingestion.parsers import default_registry
from ingestion.preparation import DocumentPreparer, Prepared, PreparedDocument, PrepareTask

if TYPE_CHECKING:
    from assistant.settings import Settings
    from privacy.boundary import PrivacyBoundary

IN_FLIGHT_PER_WORKER = 4  # tasks queued per worker: keeps them busy without reading the whole folder into memory


def privacy_boundary(settings: Settings) -> PrivacyBoundary:
    """The privacy boundary (PII detector, keyed pseudonyms, vault) as the settings describe it."""
    from assistant.shared_state import open_vault
    from privacy.allow_list import load_allow_list
    from privacy.boundary import PrivacyBoundary
    from privacy.presidio_detector import PresidioDetector
    from privacy.pseudonymizer import HmacPseudonymizer, pseudonym_key

    p = settings.privacy
    detector = PresidioDetector(p, allow_list=load_allow_list(p.catalogues, p.allow_list))
    key = pseudonym_key(p)
    vault = open_vault(settings)
    return PrivacyBoundary(HmacPseudonymizer(detector, key), detector, vault, key, reidentify_roles=p.reidentify_roles)


def document_preparer(settings: Settings, protector: TextProtector) -> DocumentPreparer:
    s = settings.ingestion
    return DocumentPreparer(
        default_registry(settings.ingestion),
        Chunker(s.chunk_max_chars, s.chunk_overlap_chars, s.chunk_min_chars),
        protector,
        known_audiences=settings.access.audiences,
        default_audience=s.default_audience,
        languages=s.languages,
    )


class ProcessPoolPreparation:
    """:class:`ingestion.preparation.Preparation` over ``workers`` spawned processes (started when created)."""

    parallel = True

    def __init__(self, settings: Settings, workers: int) -> None:
        self._workers = workers
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),  # no fork of a process that may hold torch threads
            initializer=_start_worker,
            initargs=(settings,),
        )

    def map(self, tasks: Iterable[PrepareTask]) -> Iterator[Prepared]:
        pending: deque[Future[Prepared]] = deque()
        try:
            for task in tasks:
                pending.append(self._pool.submit(_prepare, task))
                if len(pending) >= self._workers * IN_FLIGHT_PER_WORKER:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BrokenProcessPool as exc:
            raise BackendError(
                f"an ingestion worker process died ({exc}); it may have run out of memory (each loads the PII models, "
                "about 1 GB): run again with fewer --workers. Documents already reported are indexed"
            ) from None

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


# -- inside a worker process ------------------------------------------------------------------------------------------
_preparer: DocumentPreparer | None = None
_memory: NameMemory | None = None


def _start_worker(settings: Settings) -> None:
    global _preparer, _memory  # noqa: PLW0603  (one preparer per worker process, built once)
    apply_offline_mode()
    configure_tracing(settings.telemetry)
    protector: TextProtector = privacy_boundary(settings) if settings.privacy.enabled else NoProtection()
    _memory = protector if isinstance(protector, NameMemory) else None
    _preparer = document_preparer(settings, protector)


def _prepare(task: PrepareTask) -> Prepared:
    assert _preparer is not None, "the worker was not started"
    before = _memory.name_count() if _memory is not None else 0
    result = _preparer.attempt(task)
    light = dataclasses.replace(task, data=b"")  # the bytes need not travel back
    if isinstance(result, PreparedDocument):
        names = _memory.learnt_since(before) if _memory is not None else {}
        return dataclasses.replace(result, task=light, names=names)
    return dataclasses.replace(result, task=light)
