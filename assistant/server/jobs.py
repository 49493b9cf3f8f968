"""Ingestion while serving: jobs run one at a time on a worker thread of the server, beside the questions, on the
server's own index (the embedded index has one owner: this process). ``GET /v1/ingest/{job}`` shows progress and, at
the end, the same per-file report as ``assistant ingest --json``.
"""

from __future__ import annotations

import queue
import secrets
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from ingestion.pipeline import Ingestor
from ingestion.report import FileOutcome, IngestReport

JobState = Literal["queued", "running", "done", "failed"]
Finished = Callable[["IngestJob"], None]  # called on the worker thread when a job ends (the audit record)
Annotate = Callable[[IngestReport], IngestReport]  # adds who can read the batch to a finished job's report


@dataclass
class IngestJob:
    job_id: str
    paths: list[Path]
    audience: list[str] | None
    owner: str  # the submitting user's login (only they, the operator or a reviewer may read the job)
    role: str
    state: JobState = "queued"
    total: int = 0
    processed: int = 0
    current: str = ""
    report: IngestReport | None = None
    error: dict[str, str] | None = None
    exit_code: int = 0
    submitted_at: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    finished_at: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "job": self.job_id,
            "state": self.state,
            "total": self.total,
            "processed": self.processed,
            "current": self.current,
            "submitted_at": self.submitted_at,
            "finished_at": self.finished_at,
            "exit_code": self.exit_code,
            "error": self.error,
            "report": self.report.as_json() if self.report is not None else None,
        }


class IngestJobs:
    """A FIFO of ingestion jobs and the one thread that runs them (writes to the index never interleave)."""

    def __init__(
        self,
        ingestor: Callable[[], Ingestor],
        finished: Finished | None = None,
        keep: int = 200,
        annotate: Annotate | None = None,
    ) -> None:
        self._ingestor = ingestor
        self._finished = finished
        self._annotate = annotate
        self._keep = keep
        self._jobs: dict[str, IngestJob] = {}
        self._queue: queue.Queue[IngestJob | None] = queue.Queue()
        self._lock = threading.Lock()
        self._writing = threading.Lock()  # one writer of the index at a time: a job, or an erasure's re-indexing
        self._thread = threading.Thread(target=self._work, name="ingest-jobs", daemon=True)
        self._thread.start()

    def submit(self, paths: Sequence[Path], audience: list[str] | None, owner: str, role: str) -> IngestJob:
        job = IngestJob(secrets.token_hex(8), list(paths), audience, owner, role)
        with self._lock:
            self._jobs[job.job_id] = job
            for old in list(self._jobs)[: max(0, len(self._jobs) - self._keep)]:
                if self._jobs[old].state in ("done", "failed"):
                    del self._jobs[old]
        self._queue.put(job)
        return job

    def get(self, job_id: str) -> IngestJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def exclusive(self) -> threading.Lock:
        """Held while a job runs; hold it to re-index outside a job (an erasure)."""
        return self._writing

    def close(self, timeout_s: float = 5.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout_s)

    def _work(self) -> None:
        while (job := self._queue.get()) is not None:
            with self._writing:
                self._run(job)

    def _run(self, job: IngestJob) -> None:
        from assistant.core.errors import AssistantError

        job.state = "running"
        try:
            ingestor = self._ingestor()
            plan = ingestor.plan(job.paths)
            job.total = len(plan.files) + len(plan.removed)

            def progress(outcome: FileOutcome) -> None:
                job.processed += 1
                job.current = Path(outcome.source).name

            report = ingestor.run(plan, job.audience, progress)
            job.report = self._annotate(report) if self._annotate else report
            job.exit_code = 1 if job.report.failed else 0
            job.state = "done"
        except AssistantError as exc:
            job.error = {"type": type(exc).__name__, "message": str(exc)}
            job.exit_code, job.state = exc.exit_code, "failed"
        except Exception as exc:  # a bug must not kill the worker: the job fails, the next one runs
            job.error = {"type": type(exc).__name__, "message": "internal error: see the server log"}
            job.exit_code, job.state = 4, "failed"
        finally:
            job.finished_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            if self._finished is not None:
                self._finished(job)
