"""Marketing drafts, with the discipline of questions: traced, exactly one audit record each, privacy on the way out.

The copywriter works on pseudonymized sources and refuses a copy carrying personal data; the draft is recorded as
written (operation ``draft``, use case ``marketing_copy``: channel, language, sources, model, prompt version, tokens,
refusal and its reasons, and the product reference when it matched product sheets), then passed through the output
guard before anyone sees it. A draft that fails (unknown product or role, LLM down) is recorded with its error type.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Protocol

from assistant.answering.copywriter import USE_CASE, CopyDraft, CopyRequest
from assistant.core.tracing import activated, annotate, failed, start_span, trace_id
from assistant.finops.pricing import estimate_cost
from assistant.recording import Asker, Recorder
from audit.entry import AuditEntry, AuditPayload, RetrievedChunk


class Drafter(Protocol):
    def draft(self, request: CopyRequest, role: str = "marketing") -> CopyDraft:
        """A copy grounded on the product's sources readable by ``role`` (pseudonymized text, not yet revealed);
        raises ProductNotFoundError or ConfigurationError for a bad request."""
        ...


class DraftService:
    def __init__(self, drafter: Drafter, recorder: Recorder) -> None:
        """``recorder.protect`` pseudonymizes the typed request (product, tone) for the record; ``recorder.reveal``
        is the output guard (a copy carrying a pseudonym is refused by the drafter, so nothing is re-identified)."""
        self._drafter = drafter
        self._rec = recorder

    def draft(self, request: CopyRequest, asker: Asker) -> CopyDraft:
        started = time.perf_counter()
        self._rec.audit.ensure_writable()  # a draft that cannot be recorded is not written (AuditStoreError)
        root = start_span("draft", assistant__role=asker.role, assistant__use_case=USE_CASE)
        trace = trace_id(root)
        try:
            with activated(root):
                acl = self._rec.acl(asker)
                draft = self._drafter.draft(request, role=asker.role)
                seq = self._record(draft, asker, acl, trace, started)
            annotate(root, assistant__refused=draft.refused, assistant__audit_seq=seq)
        except Exception as exc:
            failed(root, exc)
            self._record_failure(request, asker, type(exc).__name__, trace, started)
            raise
        finally:
            root.end()
        reveal = self._rec.reveal
        text = reveal(draft.text, asker.role, request.language) if reveal and draft.text else draft.text
        return replace(draft, text=text, audit_seq=seq)

    def _request_text(self, request: CopyRequest) -> str | None:
        """The request as typed (free text: the product and tone fields may hold anything), pseudonymized."""
        return self._rec.protected(
            f"{request.product} · {request.channel} · {request.language} · {request.tone or '-'}"
        )

    def _header(
        self, request: CopyRequest, asker: Asker, trace: str, started: float, *, found: bool = False
    ) -> AuditEntry:
        """``found``: the product reference matched product sheets, so it is a catalogue reference and may stand in
        the hashed header (which erasure cannot reach); a reference nobody found could be anything the user typed."""
        product = {"product": request.product} if found else {}
        return AuditEntry(
            operation="draft",
            role=asker.role,
            store=asker.store,
            use_case=USE_CASE,
            latency_ms={"total": round((time.perf_counter() - started) * 1000, 1)},
            trace_id=trace or None,
            extra={**product, "channel": request.channel, "language": request.language, **asker.front_door()},
        )

    def _record(self, draft: CopyDraft, asker: Asker, acl: dict[str, object], trace: str, started: float) -> int:
        request = draft.request
        header = self._header(request, asker, trace, started, found=bool(draft.source_chunks))
        generate_ms = draft.timings_ms.get("generate", 0.0)
        cost = estimate_cost(self._rec.costs, draft.prompt_tokens, draft.completion_tokens, generate_ms)
        entry = replace(
            header,
            retrieved=tuple(RetrievedChunk(chunk, doc, 0.0) for chunk, doc in draft.source_chunks),
            acl_filter=acl,
            model=draft.model,
            prompt_version=draft.prompt_version,
            cited_chunks=tuple(chunk for chunk, _ in draft.source_chunks),
            refused=draft.refused,
            latency_ms={**{k: round(v, 1) for k, v in draft.timings_ms.items()}, **header.latency_ms},
            tokens={"prompt": draft.prompt_tokens, "completion": draft.completion_tokens},
            cost_eur=round(cost, 6),
            extra={
                **header.extra,
                "flags": list(draft.flags),
                "issues": list(draft.issues),
                "attempts": draft.attempts,
            },
            payload=AuditPayload(
                user_id=self._rec.user(asker),
                question=self._request_text(request),
                answer=draft.text,
                citations=tuple(s.title for s in draft.sources),
            ),
        )
        return self._rec.audit.record(entry).seq

    def _record_failure(self, request: CopyRequest, asker: Asker, error: str, trace: str, started: float) -> None:
        rec = self._rec
        header = self._header(request, asker, trace, started)
        payload = AuditPayload(user_id=rec.user(asker), question=self._request_text(request))
        rec.audit.record(replace(header, acl_filter=rec.acl_if_known(asker), error=error, payload=payload))
