"""``assistant serve``: one process serving the API and the chat around one container, until Ctrl-C or SIGTERM."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.core.environment import export_variables, inherited
from assistant.core.errors import ConfigurationError

if TYPE_CHECKING:
    from assistant.container import Container
    from assistant.server.jobs import IngestJob, IngestJobs
    from ingestion.report import IngestReport

JWT_KEY_FILE = "chainlit-jwt.key"
CHAINLIT_PERSISTENCE = ("DATABASE_URL", "LITERAL_API_KEY")  # either would make Chainlit store raw chat text


def prepare_chat(c: Container) -> None:
    """Chainlit's configuration, which it reads from the environment: its app folder and its JWT secret (generated
    once, like the other keys). Refuses an inherited variable that would switch on Chainlit's own persistence."""
    from assistant.server.app import UI_APP
    from privacy.keys import load_or_create_key

    found = inherited(*CHAINLIT_PERSISTENCE)
    if found:
        raise ConfigurationError(
            f"{', '.join(found)} is set: Chainlit would then keep chat text in its own store, outside the privacy "
            "boundary. Unset it before 'assistant serve' (the assistant keeps its own records)"
        )
    secret = load_or_create_key(c.settings.privacy.secrets_dir, JWT_KEY_FILE).reveal().hex()
    export_variables(CHAINLIT_APP_ROOT=str(UI_APP.parent), CHAINLIT_AUTH_SECRET=secret)


def run(c: Container, host: str, port: int) -> None:
    import uvicorn

    from assistant.server.app import create_app
    from assistant.server.runtime import ServerLock
    from assistant.server.state import ServerState

    prepare_chat(c)
    lock = ServerLock(c.settings.data_dir)
    token = lock.acquire(f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}")
    jobs = ingest_jobs(c)
    try:
        _warm(c)
        app = create_app(ServerState(c, token, jobs))
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, proxy_headers=False)
    finally:
        jobs.close()
        lock.release()


def _warm(c: Container) -> None:
    """Load every model and store now, not during the first question (tens of seconds on a busy CPU): a search runs
    the pseudonymizer's NER models, the embedder, the BM25 encoder and the index."""
    _ = c.service, c.users
    c.searcher.search("Bonjour, combien de jours pour un retour ?", c.settings.access.default_role, 1)


def ingest_jobs(c: Container) -> IngestJobs:
    """The server's ingestion worker: one ``ingest`` audit record per job, who can read the batch in its report."""
    from assistant.server.jobs import IngestJobs

    return IngestJobs(lambda: c.ingestor, finished=lambda job: _record(c, job), annotate=lambda r: _readers(c, r))


def _readers(c: Container, report: IngestReport) -> IngestReport:
    from assistant.readership import attach_readership

    s = c.settings
    return attach_readership(report, c.access, c.index, s.access.default_role, tuple(s.ingestion.default_audience))


def _record(c: Container, job: IngestJob) -> None:
    """One ``ingest`` audit record per job: who, counts and outcome (file names stay out: they may name people)."""
    from audit.entry import AuditEntry, AuditPayload

    report = job.report.as_json() if job.report is not None else {}
    counts: dict[str, object] = {
        k: report[k] for k in ("added", "updated", "unchanged", "deleted", "failed") if k in report
    }
    entry = AuditEntry(
        operation="ingest",
        role=job.role,
        error=job.error["type"] if job.error else None,
        extra={"job": job.job_id, **counts, "chunks_embedded": report.get("chunks_embedded", 0)},
        payload=AuditPayload(user_id=c.user_token(job.owner)),
    )
    c.audit.record(entry)
