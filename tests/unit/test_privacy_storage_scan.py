"""The storage self-check on fakes: residues by type, document and place; audit payloads; the fix re-ingests what
has a file and says what remains; the report never holds a value."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant.core.domain import Chunk
from assistant.core.index import SparseVector
from assistant.core.registry import DocumentRecord
from ingestion.registry import SqliteDocumentRegistry
from privacy.storage_scan import StorageScan
from tests.fakes import InMemoryIndex

pytestmark = pytest.mark.unit
PHONE = re.compile(r"0\d(?: \d\d){4}")
NAME = "Karim Benali"


def fake_scanner(texts: Sequence[str], languages: Sequence[str]) -> list[list[str]]:
    """Finds phones and one name: stands in for PrivacyBoundary.scan."""
    return [["PHONE"] * len(PHONE.findall(t)) + ["PERSON"] * t.count(NAME) for t in texts]


def chunk(doc_id: str, source: Path, i: int, text: str, title: str = "Note") -> Chunk:
    return Chunk(f"{doc_id}-{i}", doc_id, str(source), title, "", text, "fr", ("hq",), "h", i)


@pytest.fixture
def rig(tmp_path: Path) -> tuple[SqliteDocumentRegistry, InMemoryIndex, Path, Path]:
    kept, gone = tmp_path / "kept.md", tmp_path / "gone.md"
    kept.write_text("x")
    registry = SqliteDocumentRegistry(tmp_path / "registry.sqlite")
    index = InMemoryIndex()
    for doc_id, source, texts, title in (
        ("d1", kept, [f"Appeler {NAME} au 06 12 48 73 95.", "Rien ici."], "Note"),
        ("d2", gone, ["Standard : 01 23 45 67 89."], f"Dossier {NAME}"),
        ("d3", tmp_path / "clean.md", ["Appeler <PERSON_0123456789abcdef>."], "Propre"),
    ):
        registry.put(DocumentRecord(doc_id, str(source), "h", "f", len(texts), ("hq",), "fr", title))
        chunks = [chunk(doc_id, source, i, t, title) for i, t in enumerate(texts)]
        index.upsert(chunks, np.ones((len(chunks), 4), dtype=np.float32), [SparseVector([1], [1.0])] * len(chunks))
    return registry, index, kept, gone


def audit() -> list[tuple[int, dict[str, object]]]:
    return [(1, {"question": "Numéro de <PERSON_0123456789abcdef> ?", "answer": "C'est le 06 12 48 73 95."}),
            (2, {"question": "Horaires ?", "details": {"n": 3}})]  # fmt: skip


def test_residues_by_type_document_place_and_audit_record(
    rig: tuple[SqliteDocumentRegistry, InMemoryIndex, Path, Path],
) -> None:
    registry, index, kept, gone = rig
    report = StorageScan(fake_scanner, registry, index, audit, lambda t: "fr").run()
    assert report.residual == 6
    assert report.by_type == {"PHONE": 3, "PERSON": 3}
    by_source = {d.source: d for d in report.documents}
    assert set(by_source) == {str(kept), str(gone)}
    assert by_source[str(kept)].by_place == {"chunk text": 2}
    assert by_source[str(gone)].by_place == {"registry title": 1, "chunk title": 1, "chunk text": 1}
    assert report.audit_records == {1: {"PHONE": 1}}
    shown = json.dumps(report.as_json(), ensure_ascii=False)
    assert NAME not in shown and "06 12 48 73 95" not in shown and "01 23 45 67 89" not in shown


def test_fix_reingests_what_has_a_file_and_says_how_to_erase_the_rest(
    rig: tuple[SqliteDocumentRegistry, InMemoryIndex, Path, Path],
) -> None:
    registry, index, kept, gone = rig
    reingested: list[Path] = []

    def reindex(paths: Sequence[Path]) -> None:  # the boundary would pseudonymize: here, the clean text
        reingested.extend(paths)
        for path in paths:
            index.delete_document("d1")
            index.upsert([chunk("d1", path, 0, "Appeler <PERSON_1111111111111111>.")], np.ones((1, 4), np.float32),
                         [SparseVector([1], [1.0])])  # fmt: skip

    checker = StorageScan(fake_scanner, registry, index, audit, lambda t: "fr")
    after = checker.fix(checker.run(), reindex)
    assert reingested == [kept]
    assert after.fixed == [str(kept)]
    assert after.compacted is True
    assert [d.source for d in after.documents] == [str(gone)]
    remaining = after.how_to_erase()
    assert any(f"assistant ingest {gone}" in line for line in remaining)
    assert any(line.startswith("audit record 1:") for line in remaining)
    assert after.residual == 4  # the gone file's three and the audit record's one


def test_only_restricts_the_scan_to_some_documents(
    rig: tuple[SqliteDocumentRegistry, InMemoryIndex, Path, Path],
) -> None:
    registry, index, _, _ = rig
    report = StorageScan(fake_scanner, registry, index, audit, lambda t: "fr").run(only={"d3"})
    assert report.residual == 0 and report.texts_scanned == 3
