"""Data-subject rights: access (export everything held about a person) and erasure (forget them everywhere).

A subject is named by one of their values (a name, an email, an IBAN...). The vault's blind index finds their
tokens; the document registry knows which documents carry those tokens; the index holds the chunks.
Erasure crypto-shreds the vault entries (their tokens then resolve to nothing), keeps a tombstone, and re-indexes
each document that mentioned them: the boundary now writes ``<TYPE_REDACTED>`` instead of a token, so neither their
values nor a linkable token remain, and re-ingesting the same files later cannot bring them back. Documents whose
file is gone lose their chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from assistant.core.domain import Chunk
from assistant.core.index import VectorIndex
from assistant.core.registry import DocumentRegistry
from privacy.ports import Vault

Reindex = Callable[[Sequence[Path]], Any]  # re-ingests these files even if unchanged


class AuditTrail(Protocol):
    """What erasure and access need of the audit log (:class:`audit.log.AuditLog` through a thin adapter).

    Contract: ``records_about`` returns every readable record linked to the subject (a pseudonym token or a
    pseudonymous user id) as JSON; ``forget`` makes their personal payloads unreadable and returns how many."""

    def records_about(self, subject: str) -> list[dict[str, Any]]: ...

    def forget(self, subject: str) -> int: ...


class SubjectRights:
    def __init__(
        self,
        vault: Vault,
        registry: DocumentRegistry,
        index: VectorIndex,
        reindex: Reindex,
        audit: AuditTrail | None = None,
    ) -> None:
        self._vault = vault
        self._registry = registry
        self._index = index
        self._reindex = reindex
        self._audit = audit

    def export(self, subject: str, entity_type: str | None = None) -> dict[str, Any]:
        """Right of access (GDPR art. 15): vault entries, documents and the chunks mentioning the subject."""
        tokens = self._vault.find(subject, entity_type)
        documents = []
        for record in self._registry.mentioning(set(tokens)):
            chunks = [
                {"chunk_id": c.chunk_id, "section": c.section, "text": _reveal(c.text, tokens, subject)}
                for c in self._index.chunks(record.doc_id)
                if _mentions(c, tokens)
            ]
            documents.append(
                {"source": record.source, "doc_id": record.doc_id, "title": record.title, "chunks": chunks}
            )
        audit = [r for t in tokens for r in self._audit.records_about(t)] if self._audit else []
        return {
            "subject_tokens": tokens,
            "vault": [self._vault.export(t) for t in tokens],
            "documents": documents,
            "audit_records": [_reveal_record(r, tokens, subject) for r in audit],
        }

    def forget(self, subject: str, entity_type: str | None = None) -> dict[str, Any]:
        """Right to erasure (GDPR art. 17); returns a receipt of what was removed where.

        The vault is shredded first (re-indexing then writes ``<TYPE_REDACTED>``), so the subject's tokens are also
        looked up among forgotten ones: when re-indexing or the audit step failed, running ``forget`` again
        finishes the erasure instead of finding nobody."""
        tokens = self._vault.find(subject, entity_type, include_forgotten=True)
        records = self._registry.mentioning(set(tokens))
        shredded = sum(1 for t in tokens if self._vault.forget(t))
        existing = [Path(r.source) for r in records if Path(r.source).is_file()]
        removed_chunks = 0
        deleted = []
        for record in records:
            if not Path(record.source).is_file():
                removed_chunks += self._index.delete_document(record.doc_id)
                self._registry.remove(record.doc_id)
                deleted.append(record.source)
        if existing:
            self._reindex(existing)
        remaining = [c.chunk_id for r in records for c in self._index.chunks(r.doc_id) if _mentions(c, tokens)]
        audit_shredded = sum(self._audit.forget(t) for t in tokens) if self._audit else 0
        return {
            "subject_tokens": len(tokens),
            "vault_entries_shredded": shredded,
            "documents_reindexed": [str(p) for p in existing],
            "documents_deleted": deleted,
            "chunks_deleted": removed_chunks,
            "chunks_still_mentioning": len(remaining),
            "audit_payloads_shredded": audit_shredded,
            "tombstone": bool(tokens),
        }


def _mentions(chunk: Chunk, tokens: Sequence[str]) -> bool:
    return any(t in chunk.text or t in chunk.title or t in chunk.section for t in tokens)


def _reveal(text: str, tokens: Sequence[str], value: str) -> str:
    """The subject's own tokens shown as their value; other people stay pseudonymized."""
    for token in tokens:
        text = text.replace(token, value)
    return text


def _reveal_record(record: dict[str, Any], tokens: Sequence[str], value: str) -> dict[str, Any]:
    """An audit record as the data subject receives it: their own tokens shown as their value, others' kept."""
    payload = record.get("payload")
    if not isinstance(payload, dict):
        return record
    shown = {k: _reveal(v, tokens, value) if isinstance(v, str) else v for k, v in payload.items()}
    return {**record, "payload": shown}
