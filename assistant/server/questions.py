"""The staff endpoints: ask (JSON or a stream of server-sent events), search, feedback, marketing drafts, documents.

Every one works as the caller's identity: the role and store filter the index inside the query, and the audit record
carries the caller's pseudonymous id. Request bodies name no role, store or user (unknown fields are refused).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Generator, Iterator
from typing import Annotated, Any, Literal, cast

import anyio
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from assistant.answering.ports import AnswerDone, AnswerEvent
from assistant.core.errors import AssistantError
from assistant.core.index import SearchMode
from assistant.core.text import detect_language
from assistant.identity.model import Identity
from assistant.recording import Asker
from assistant.server.auth import allow, identity
from assistant.server.limits import retry_after
from assistant.server.state import current

router = APIRouter(prefix="/v1", tags=["questions"])
Caller = Annotated[Identity, Depends(identity)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AskRequest(Strict):
    question: str = Field(min_length=1, description="The question, in any supported language.")
    follow_up_of: int | None = Field(
        None, ge=1, description="audit_seq of the caller's previous answer in the conversation: the question is a "
        "follow-up, made standalone first (returned as understood_question).",
    )  # fmt: skip
    stream: bool = Field(False, description="Stream validated sentences as server-sent events (or send Accept: "
                         "text/event-stream).")  # fmt: skip


class SearchRequest(Strict):
    query: str = Field(min_length=1)
    top_k: int = Field(5, ge=1, le=50)
    mode: SearchMode | None = Field(None, description="dense, sparse (BM25) or hybrid; default from the settings.")


class FeedbackRequest(Strict):
    audit_seq: int = Field(ge=1, description="The audit_seq of the answer being rated (returned by /v1/ask).")
    rating: int = Field(ge=-1, le=5, description="-1 / +1 (thumbs) or 1..5 (stars); 0 is refused.")
    comment: str | None = Field(None, max_length=2000, description="Free text; pseudonymized before it is recorded.")


class DraftRequest(Strict):
    product: str = Field(min_length=1, max_length=200, description="Product reference or name on its sheet.")
    channel: Literal["web", "newsletter", "social"] = "web"
    language: str = "fr"
    tone: str = Field("", max_length=200)


def asker(who: Identity) -> Asker:
    return Asker(who.role, who.name, who.store, via=who.via)


def limited(who: Identity, kind: str, per_minute: int) -> None:
    """429 past the per-user rate (the local operator, the data dir's owner at the shell, is not limited)."""
    if who.operator:
        return
    wait = current().limiter.take(who.name, kind, per_minute)
    if wait:
        raise HTTPException(
            429, f"more than {per_minute} {kind} per minute: wait {retry_after(wait)} s",
            headers={"Retry-After": retry_after(wait)},
        )  # fmt: skip


@router.post("/ask", summary="Answer a question from the documents, with citations, or refuse")
async def ask(body: AskRequest, who: Caller, request: Request) -> Any:
    c = current().container
    limited(who, "questions", c.settings.server.asks_per_minute)
    await run_in_threadpool(c.audit.ensure_writable)  # cannot be recorded: 503 before anything, streamed or not
    events = c.service.stream(body.question, asker(who), body.follow_up_of)
    if body.stream or "text/event-stream" in request.headers.get("accept", ""):
        return StreamingResponse(_sse(events), media_type="text/event-stream", headers={"Cache-Control": "no-store"})
    try:
        done = await run_in_threadpool(_last, events)
    finally:
        events.close()
    return done.answer.as_json()


def _last(events: Iterator[AnswerEvent]) -> AnswerDone:
    final = [e for e in events if isinstance(e, AnswerDone)]
    return final[-1]


async def _sse(events: Generator[AnswerEvent, None, None]) -> AsyncIterator[str]:
    """``delta`` events (validated sentences as they come), then one ``final`` event with the whole answer and its
    ``audit_seq``; an ``error`` event instead when the service fails. A client that goes away closes the stream: the
    service still writes its one record."""
    end = object()
    try:
        while (item := await anyio.to_thread.run_sync(next, events, end)) is not end:
            event = cast(AnswerEvent, item)
            if isinstance(event, AnswerDone):
                yield _event("final", event.answer.as_json())
            else:
                yield _event("delta", {"text": event.text, "language": event.language})
    except AssistantError as exc:
        yield _event("error", {"error": {"type": type(exc).__name__, "message": str(exc)}})
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(events.close)


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post("/search", summary="Hybrid search over the chunks the caller may read")
async def search(body: SearchRequest, who: Caller) -> dict[str, Any]:
    c = current().container
    limited(who, "questions", c.settings.server.asks_per_minute)
    hits = await run_in_threadpool(c.searcher.search, body.query, who.role, body.top_k, store=who.store, mode=body.mode)
    if hits:
        return {"hits": [h.as_json() for h in hits]}
    language = detect_language(body.query, c.settings.ingestion.languages)
    notice = await run_in_threadpool(c.searcher.nothing_to_read, who.role, who.store, language)
    return {"hits": [], **({"notice": notice} if notice else {})}


@router.post("/feedback", summary="Rate an answer the caller received")
async def feedback(body: FeedbackRequest, who: Caller) -> dict[str, int]:
    c = current().container
    if body.rating == 0:
        raise HTTPException(400, "rating 0 is neither a thumb nor a star: send -1, +1 or 1..5")

    def rate() -> int:
        view = c.audit.get(body.audit_seq)
        owner = (view.payload or {}).get("user_id") if view is not None else None
        if view is None or (view.header or {}).get("operation") != "ask":
            raise HTTPException(404, f"there is no answer #{body.audit_seq}")
        if not who.operator and owner != c.user_token(who.name):
            raise HTTPException(403, f"answer #{body.audit_seq} was not given to you: rate your own answers")
        return c.service.feedback(body.audit_seq, body.rating, asker(who), body.comment)

    seq = await run_in_threadpool(rate)
    return {"feedback_seq": seq, "answer_seq": body.audit_seq}


@router.post("/drafts", summary="Marketing copy for one product, from its sheet only")
async def drafts(body: DraftRequest, who: Caller) -> dict[str, Any]:
    from assistant.answering.copywriter import CopyRequest

    c = current().container
    allow(who, c.settings.server.draft_roles, "draft marketing copy")
    limited(who, "drafts", c.settings.server.drafts_per_minute)
    if body.language not in c.settings.ingestion.languages:
        raise HTTPException(400, f"language {body.language!r}: use one of {', '.join(c.settings.ingestion.languages)}")
    request = CopyRequest(body.product.strip(), body.channel, body.language, body.tone.strip())
    draft = await run_in_threadpool(c.drafts.draft, request, asker(who))
    return draft.as_json()


@router.get("/documents", summary="The indexed documents the caller may read")
async def documents(who: Caller) -> dict[str, Any]:
    c = current().container

    def readable() -> list[dict[str, Any]]:
        access = c.access.filter_for(who.role, who.store)
        return [
            {"source": r.source, "doc_id": r.doc_id, "title": r.title, "audience": list(r.audience),
             "language": r.language, "chunks": r.chunk_count, "ingested_at": r.ingested_at}
            for r in c.registry.all()
            if c.index.count(r.doc_id, access=access) > 0
        ]  # fmt: skip

    return {"documents": await run_in_threadpool(readable)}
