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
from typing import Any

from assistant.domain import Chunk
from assistant.index.ports import VectorIndex
from ingestion.registry import DocumentRegistry
from privacy.ports import Vault

Reindex = Callable[[Sequence[Path]], Any]  # re-ingests these files even if unchanged


class SubjectRights:
    def __init__(self, vault: Vault, registry: DocumentRegistry, index: VectorIndex, reindex: Reindex) -> None:
        self._vault = vault
        self._registry = registry
        self._index = index
        self._reindex = reindex

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
        return {
            "subject_tokens": tokens,
            "vault": [self._vault.export(t) for t in tokens],
            "documents": documents,
        }

    def forget(self, subject: str, entity_type: str | None = None) -> dict[str, Any]:
        """Right to erasure (GDPR art. 17); returns a receipt of what was removed where."""
        tokens = self._vault.find(subject, entity_type)
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
        return {
            "subject_tokens": len(tokens),
            "vault_entries_shredded": shredded,
            "documents_reindexed": [str(p) for p in existing],
            "documents_deleted": deleted,
            "chunks_deleted": removed_chunks,
            "chunks_still_mentioning": len(remaining),
            "tombstone": bool(tokens),
        }


def _mentions(chunk: Chunk, tokens: Sequence[str]) -> bool:
    return any(t in chunk.text or t in chunk.title or t in chunk.section for t in tokens)


def _reveal(text: str, tokens: Sequence[str], value: str) -> str:
    """The subject's own tokens shown as their value; other people stay pseudonymized."""
    for token in tokens:
        text = text.replace(token, value)
    return text
