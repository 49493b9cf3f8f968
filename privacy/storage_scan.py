"""The storage self-check: detection run again over every text the assistant has stored — chunk texts, titles
and sections in the index, document titles in the registry, decrypted audit payloads — to find personal values
left in clear (a document ingested with privacy disabled, or before a recognizer learned a new form).

The report names types, counts, documents and audit record numbers, never a value. ``fix`` re-ingests (with
the privacy boundary) the documents whose files still exist; for the rest it says what remains and how to
erase it: a document whose file is gone is deleted by naming its path to ``assistant ingest``; an audit
payload cannot be rewritten (the hash chain), it is shredded with its asker's erasure or purged at the end of
the retention period."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core.index import VectorIndex
from assistant.core.registry import DocumentRegistry

#: (texts, languages) -> the entity types found in each text (:meth:`privacy.boundary.PrivacyBoundary.scan`).
Scanner = Callable[[Sequence[str], Sequence[str]], list[list[str]]]
#: Re-ingests these files even if unchanged (through the privacy boundary).
Reindex = Callable[[Sequence[Path]], Any]
#: (audit seq, decrypted payload) of every readable audit record.
AuditPayloads = Callable[[], Iterable[tuple[int, dict[str, Any]]]]
#: A language for a free text (audit payloads carry none).
LanguageOf = Callable[[str], str]


@dataclass
class DocumentResidue:
    doc_id: str
    source: str
    by_type: Counter[str] = field(default_factory=Counter)
    by_place: Counter[str] = field(default_factory=Counter)  # chunk text, chunk title, section, registry title

    @property
    def file_exists(self) -> bool:
        return Path(self.source).is_file()

    def as_json(self) -> dict[str, Any]:
        return {"source": self.source, "doc_id": self.doc_id, "by_type": dict(self.by_type),
                "by_place": dict(self.by_place), "file_exists": self.file_exists}  # fmt: skip


@dataclass
class ScanReport:
    documents: list[DocumentResidue] = field(default_factory=list)
    audit_records: dict[int, Counter[str]] = field(default_factory=dict)
    texts_scanned: int = 0
    fixed: list[str] = field(default_factory=list)
    compacted: bool | None = None  # after a fix: whether the index storage was rewritten (None: nothing to fix)

    @property
    def by_type(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for doc in self.documents:
            total.update(doc.by_type)
        for found in self.audit_records.values():
            total.update(found)
        return total

    @property
    def residual(self) -> int:
        return sum(self.by_type.values())

    def how_to_erase(self) -> list[str]:
        """What remains after a fix, and the command that erases it (no value named)."""
        out = [
            f"{d.source}: the file is gone; `assistant ingest {d.source}` deletes its chunks and registry entry"
            for d in self.documents
            if not d.file_exists
        ]
        out += [
            f"audit record {seq}: its encrypted payload cannot be rewritten (hash chain); shred it with "
            "`assistant privacy forget --type USER <login of its asker>` or `assistant audit purge` once older than "
            "ASSISTANT_AUDIT_RETENTION_DAYS"
            for seq in sorted(self.audit_records)
        ]
        out += [f"{d.source}: re-ingest it (`assistant privacy scan --fix`)" for d in self.documents if d.file_exists]
        if self.compacted is False:
            out.append("the index backend keeps overwritten payloads until its own optimizer vacuums them (a Qdrant "
                       "server): run its vacuum or snapshot-and-restore to erase them from its disk")  # fmt: skip
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "residual": self.residual,
            "by_type": dict(self.by_type),
            "texts_scanned": self.texts_scanned,
            "documents": [d.as_json() for d in self.documents],
            "audit_records": [{"seq": seq, "by_type": dict(c)} for seq, c in sorted(self.audit_records.items())],
            "fixed": self.fixed,
            "index_compacted": self.compacted,
            "remaining": self.how_to_erase(),
        }


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


class StorageScan:
    def __init__(
        self,
        scanner: Scanner,
        registry: DocumentRegistry,
        index: VectorIndex,
        audit_payloads: AuditPayloads | None,
        language_of: LanguageOf,
        batch: int = 64,
    ) -> None:
        self._scan = scanner
        self._registry = registry
        self._index = index
        self._audit = audit_payloads
        self._language_of = language_of
        self._batch = batch

    def _detect(self, items: Sequence[tuple[str, str]]) -> list[list[str]]:
        """Types found per item; each distinct (text, language) detected once (every chunk repeats its title)."""
        unique = list(dict.fromkeys(items))
        found: dict[tuple[str, str], list[str]] = {}
        for i in range(0, len(unique), self._batch):
            part = unique[i : i + self._batch]
            found.update(zip(part, self._scan([t for t, _ in part], [lang for _, lang in part]), strict=True))
        return [found[item] for item in items]

    def run(self, only: set[str] | None = None) -> ScanReport:
        """Scan everything (or only the documents ``only`` names by doc id; audit records then not)."""
        report = ScanReport()
        for record in self._registry.all():
            if only is not None and record.doc_id not in only:
                continue
            residue = DocumentResidue(record.doc_id, record.source)
            items: list[tuple[str, str]] = [(record.title, record.language or "fr")]
            places = ["registry title"]
            for chunk in self._index.chunks(record.doc_id):
                for place, text in (
                    ("chunk text", chunk.text),
                    ("chunk title", chunk.title),
                    ("section", chunk.section),
                ):
                    if text.strip():
                        items.append((text, chunk.language))
                        places.append(place)
            for place, types in zip(places, self._detect(items), strict=True):
                residue.by_type.update(types)
                residue.by_place[place] += len(types)
            report.texts_scanned += len(items)
            if residue.by_type:
                residue.by_place = +residue.by_place
                report.documents.append(residue)
        if self._audit is not None and only is None:
            for seq, payload in self._audit():
                texts = [t for t in _strings(payload) if t.strip()]
                found = self._detect([(t, self._language_of(t)) for t in texts])
                report.texts_scanned += len(texts)
                counted = Counter(t for per_text in found for t in per_text)
                if counted:
                    report.audit_records[seq] = counted
        return report

    def fix(self, report: ScanReport, reindex: Reindex) -> ScanReport:
        """Re-ingest the affected documents whose files exist, rewrite the index storage (the overwritten text
        stays in its write-ahead log and freed pages otherwise), then scan again: the report of what remains."""
        paths = [Path(d.source) for d in report.documents if d.file_exists]
        compacted: bool | None = None
        if paths:
            reindex(paths)
            compacted = self._index.compact()
        again = self.run()
        again.fixed = [str(p) for p in paths]
        again.compacted = compacted
        return again
