"""Shared by both Qdrant adapters: vector names, indexed fields, the access rules as a filter."""

from __future__ import annotations

from typing import Any

from assistant.core.errors import BackendError
from assistant.core.index import AccessFilter

DENSE = "dense"
SPARSE = "bm25"
KEYWORD_FIELDS = ("doc_id", "audience", "stores", "source", "language")
INTEGER_FIELDS = ("confidentiality", "chunk_index")


def access_filter(access: AccessFilter, ns: Any, range_type: Any) -> Any:
    """``ns`` is ``qdrant_client.models`` or ``qdrant_edge``; ``range_type`` their numeric range class."""
    must = [
        ns.FieldCondition(key="audience", match=ns.MatchAny(any=sorted(access.audiences))),
        ns.FieldCondition(key="confidentiality", range=range_type(lte=access.max_confidentiality)),
    ]
    if access.stores is not None:
        must.append(ns.FieldCondition(key="stores", match=ns.MatchAny(any=sorted({"*", *access.stores}))))
    return ns.Filter(must=must)


def document_filter(doc_id: str, from_index: int, ns: Any, range_type: Any) -> Any:
    must = [ns.FieldCondition(key="doc_id", match=ns.MatchValue(value=doc_id))]
    if from_index > 0:
        must.append(ns.FieldCondition(key="chunk_index", range=range_type(gte=from_index)))
    return ns.Filter(must=must)


def required_vector(value: Any, kind: str) -> Any:
    if value is None:
        raise ValueError(f"this search mode needs a {kind} query vector")
    return value


def payload_of(payload: dict[str, Any] | None) -> dict[str, Any]:
    if payload is None:
        raise BackendError("the index returned a point without payload; it is corrupt: re-ingest")
    return payload


def count_filter(doc_id: str | None, access: AccessFilter | None, ns: Any, range_type: Any) -> Any:
    """The chunks of ``doc_id`` (all when None) that ``access`` may read (all when None)."""
    parts = [f for f in (
        document_filter(doc_id, 0, ns, range_type) if doc_id else None,
        access_filter(access, ns, range_type) if access is not None else None,
    ) if f is not None]  # fmt: skip
    return ns.Filter(must=[c for f in parts for c in f.must]) if parts else None
