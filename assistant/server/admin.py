"""Ingestion jobs (roles in ``server.ingest_roles``) and the compliance desk (roles in ``audit.reviewer_roles``).

The desk endpoints run the same code as ``assistant audit`` and ``assistant privacy`` (:mod:`assistant.compliance`):
every read and every request is itself an audit record naming the officer.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import PlainTextResponse
from pydantic import Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from assistant.compliance import ComplianceDesk, Officer, moment
from assistant.identity.model import Identity
from assistant.server.auth import allow, identity
from assistant.server.questions import Strict
from assistant.server.state import current
from audit.errors import AuditConfigurationError

router = APIRouter(prefix="/v1")
Caller = Annotated[Identity, Depends(identity)]
_SAFE_NAME = re.compile(r"[^\w.\- ]+")


class IngestRequest(Strict):
    paths: list[str] = Field(min_length=1, description="Files or folders on the server (below server.ingest_roots).")
    audience: list[str] | None = Field(None, description="Audience tags overriding the documents' own.")


class SubjectRequest(Strict):
    subject: str = Field(min_length=1, max_length=500, description="One value of the person (name, email, IBAN...).")
    type: str | None = Field(None, description="Entity type of the value (PERSON, EMAIL...); USER = a staff login.")


class PurgeRequest(Strict):
    dry_run: bool = True


@router.post("/ingest", status_code=202, tags=["ingestion"], summary="Ingest server folders or uploaded files")
async def ingest(request: Request, who: Caller) -> dict[str, Any]:
    state = current()
    settings = state.container.settings
    allow(who, settings.server.ingest_roles, "ingest documents")
    if request.headers.get("content-type", "").startswith("multipart/"):
        paths, audience = await _uploads(request)
    else:
        body = IngestRequest.model_validate_json(await request.body())
        paths, audience = [Path(p).expanduser() for p in body.paths], body.audience
        if not who.operator:
            _check_roots(paths, settings.server.ingest_roots)
    job = state.jobs.submit(paths, audience, who.name, who.role)
    return {"job": job.job_id, "state": job.state, "status_url": f"/v1/ingest/{job.job_id}"}


async def _uploads(request: Request) -> tuple[list[Path], list[str] | None]:
    """Uploaded files, kept under ``<data_dir>/uploads`` (they are the documents' sources from now on: an erasure
    re-indexes them from there)."""
    settings = current().container.settings
    form = await request.form(max_files=settings.server.max_upload_files)
    folder = settings.data_dir / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    paths: list[Path] = []
    for item in form.getlist("files"):
        if not isinstance(item, UploadFile) or not item.filename:
            continue
        name = _SAFE_NAME.sub("_", Path(item.filename).name).strip(" .") or "upload"
        data = await item.read(settings.ingestion.max_file_bytes + 1)
        target = folder / name
        target.write_bytes(data)  # an oversized file is kept whole up to the limit + 1: ingestion reports it
        paths.append(target)
    if not paths:
        raise HTTPException(400, "no files: send multipart/form-data with one or more 'files' parts")
    audience = form.get("audience")
    tags = [a.strip() for a in audience.split(",") if a.strip()] if isinstance(audience, str) else None
    return paths, tags or None


def _check_roots(paths: list[Path], roots: list[Path]) -> None:
    allowed = [r.expanduser().resolve() for r in roots]
    for path in paths:
        resolved = path.resolve()
        if not any(resolved == root or root in resolved.parents for root in allowed):
            raise HTTPException(
                403, f"{path} is not below a folder the server may ingest from (server.ingest_roots: "
                f"{', '.join(str(r) for r in allowed) or 'none'}): upload the files instead",
            )  # fmt: skip


@router.get("/ingest/{job_id}", tags=["ingestion"], summary="Progress and per-file report of an ingestion job")
async def ingest_job(job_id: str, who: Caller) -> dict[str, Any]:
    state = current()
    job = state.jobs.get(job_id)
    reviewer = who.role in state.container.settings.audit.reviewer_roles
    if job is None or not (who.operator or reviewer or job.owner == who.name):
        raise HTTPException(404, f"there is no ingestion job {job_id!r} of yours")
    return job.as_json()


def _officer(who: Identity) -> tuple[ComplianceDesk, Officer]:
    """The caller as an officer of the desk (403 for other roles); the local operator acts as the CLI does."""
    desk = ComplianceDesk(current().container)
    role = who.role if not who.operator or who.role in current().container.settings.audit.reviewer_roles else None
    try:
        return desk, desk.officer(who.name, role)
    except AuditConfigurationError as exc:
        raise HTTPException(403, str(exc)) from None


def _filters(desk: ComplianceDesk, request: Request, limit: int | None) -> Any:
    from audit.views import AuditFilters

    q = request.query_params
    return AuditFilters(
        since=moment(q.get("since"), "since"),
        until=moment(q.get("until"), "until"),
        user=desk.asker_id(q.get("user")),
        role=q.get("role"),
        use_case=q.get("use_case"),
        refused={"true": True, "false": False}.get((q.get("refused") or "").lower()),
        document=q.get("document"),
        operation=q.get("operation"),
        limit=limit,
    )


@router.get("/audit/records", tags=["compliance"], summary="Audit records matching the filters, oldest first")
async def audit_records(request: Request, who: Caller, limit: int = 50) -> dict[str, Any]:
    desk, officer = _officer(who)
    views = await run_in_threadpool(desk.records, officer, _filters(desk, request, limit))
    return {"records": [v.as_json() for v in views]}


@router.get("/audit/records/{seq}", tags=["compliance"], summary="One audit record in full")
async def audit_record(seq: int, who: Caller) -> dict[str, Any]:
    desk, officer = _officer(who)
    return (await run_in_threadpool(desk.record, officer, seq)).as_json()


@router.get("/audit/export", tags=["compliance"], summary="Matching records as JSON Lines or CSV")
async def audit_export(request: Request, who: Caller, format: Literal["jsonl", "csv"] = "jsonl") -> PlainTextResponse:
    desk, officer = _officer(who)
    text, _ = await run_in_threadpool(desk.export, officer, _filters(desk, request, None), format)
    media = "text/csv" if format == "csv" else "application/x-ndjson"
    return PlainTextResponse(
        text, media_type=media, headers={"Content-Disposition": f"attachment; filename=audit.{format}"}
    )


@router.post("/audit/verify", tags=["compliance"], summary="Check the hash chain and the signed checkpoints")
async def audit_verify(who: Caller) -> dict[str, Any]:
    desk, officer = _officer(who)
    return (await run_in_threadpool(desk.verify, officer)).as_json()


@router.post("/audit/purge", tags=["compliance"], summary="Purge records older than the retention period")
async def audit_purge(body: PurgeRequest, who: Caller) -> dict[str, Any]:
    desk, officer = _officer(who)
    return (await run_in_threadpool(desk.purge, officer, body.dry_run)).as_json()


@router.post("/privacy/export", tags=["compliance"], summary="Right of access: everything held about a person")
async def privacy_export(body: SubjectRequest, who: Caller) -> dict[str, Any]:
    desk, officer = _officer(who)
    return await run_in_threadpool(desk.export_subject, officer, body.subject, body.type)


@router.post("/privacy/forget", tags=["compliance"], summary="Right to erasure, with its receipt")
async def privacy_forget(body: SubjectRequest, who: Caller) -> dict[str, Any]:
    desk, officer = _officer(who)

    def forget() -> dict[str, Any]:
        with current().jobs.exclusive():  # re-indexing waits for a running ingestion, and the next one waits
            return desk.forget_subject(officer, body.subject, body.type)

    return await run_in_threadpool(forget)
