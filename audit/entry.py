"""What one audit record says: :class:`AuditEntry` (the hashed, non-personal header) and its :class:`AuditPayload`
(the personal part, stored encrypted and destroyable).

Callers hand in text that is ALREADY pseudonymized (the privacy boundary runs first): the log never sees a raw
name. Pseudonym tokens belong in the payload only; a header value carrying a token is refused, so that erasing
a person can never leave their token behind in the (undeletable) hashed header.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from assistant.core.tokens import TOKEN_PATTERN

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class RetrievedChunk:
    chunk_id: str
    doc_id: str
    score: float


@dataclass(frozen=True)
class AuditPayload:
    """Personal data of a record. Every string must already be pseudonymized; each pseudonym token found in it
    (and ``user_id``) becomes a subject whose erasure destroys this payload."""

    user_id: str | None = None  # the asker's (or reviewer's) pseudonymous id
    question: str | None = None
    answer: str | None = None
    citations: tuple[str, ...] = ()  # passages quoted to the user
    comment: str | None = None  # free-text feedback
    details: Mapping[str, Any] = field(default_factory=dict)  # anything else personal (e.g. a reviewer's filters)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["citations"] = list(self.citations)
        out["details"] = dict(self.details)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AuditPayload:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["citations"] = tuple(values.get("citations", ()))
        return cls(**values)


@dataclass(frozen=True)
class AuditEntry:
    """One query (or audit-trail access, feedback, erasure...): everything but the payload is hashed into the
    chain and kept until retention purges it. Nothing here may identify a person."""

    operation: str = "ask"  # ask, search, feedback, audit.list, audit.show, audit.export, audit.verify, ...
    role: str | None = None
    store: str | None = None  # the asker's store code, when the role is store-scoped
    use_case: str | None = None
    retrieved: tuple[RetrievedChunk, ...] = ()
    acl_filter: Mapping[str, Any] = field(default_factory=dict)  # audiences, clearance, stores applied
    model: str | None = None
    model_version: str | None = None
    prompt_version: str | None = None
    cited_chunks: tuple[str, ...] = ()  # chunk ids the answer cites
    grounded: bool | None = None
    refused: bool = False
    fallback: bool = False
    error: str | None = None  # error type (class name), never its message
    latency_ms: Mapping[str, float] = field(default_factory=dict)  # per stage: retrieve, generate, total...
    tokens: Mapping[str, int] = field(default_factory=dict)  # prompt, completion
    cost_eur: float | None = None  # estimated
    trace_id: str | None = None
    ref_seq: int | None = None  # the record this one is about (feedback)
    rating: int | None = None  # feedback: -1/+1 thumbs or 1..5 stars
    extra: Mapping[str, Any] = field(default_factory=dict)  # more non-personal facts
    payload: AuditPayload = field(default_factory=AuditPayload)

    def header_fields(self) -> dict[str, Any]:
        """The hashed part, JSON-ready; :class:`ValueError` if a value carries a pseudonym token."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "payload"}
        out["retrieved"] = [asdict(r) for r in self.retrieved]
        out["cited_chunks"] = list(self.cited_chunks)
        for name in ("acl_filter", "latency_ms", "tokens", "extra"):
            out[name] = dict(out[name])
        _refuse_tokens(out, "header")
        return out

    def to_json(self) -> dict[str, Any]:
        return {**self.header_fields(), "payload": self.payload.to_json()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AuditEntry:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["retrieved"] = tuple(RetrievedChunk(**r) for r in values.get("retrieved", ()))
        values["cited_chunks"] = tuple(values.get("cited_chunks", ()))
        values["payload"] = AuditPayload.from_json(values.get("payload") or {})
        return cls(**values)


def _refuse_tokens(value: Any, where: str) -> None:
    if isinstance(value, str):
        if TOKEN_PATTERN.search(value):
            raise ValueError(
                f"a pseudonym token was found in the audit {where}; personal data goes in AuditEntry.payload"
            )
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _refuse_tokens(key, where)
            _refuse_tokens(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_tokens(item, where)


def subjects_of(payload: AuditPayload) -> list[str]:
    """The subjects a payload is linked to: the user id and every pseudonym token in any of its strings."""
    found: dict[str, None] = {}
    if payload.user_id:
        found[payload.user_id] = None

    def walk(value: Any) -> None:
        if isinstance(value, str):
            for match in TOKEN_PATTERN.finditer(value):
                found[match.group(0)] = None
        elif isinstance(value, Mapping):
            for key, item in value.items():
                walk(key)
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk([payload.question, payload.answer, payload.citations, payload.comment, payload.details])
    return list(found)
