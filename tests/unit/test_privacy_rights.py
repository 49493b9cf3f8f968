"""Erasure (GDPR art. 17) across vault, index, registry and audit log; an erasure that failed half-way can be rerun."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.core.domain import Chunk
from assistant.core.index import SparseVector
from assistant.core.registry import DocumentRecord
from audit.entry import AuditEntry, AuditPayload
from audit.log import AuditLog
from audit.sqlite_store import SqliteAuditStore
from ingestion.registry import SqliteDocumentRegistry
from privacy.keys import Secret
from privacy.pseudonymizer import make_token
from privacy.rights import SubjectRights
from privacy.vault import SqliteVault
from tests.contracts.audit_support import make_log
from tests.fakes import InMemoryIndex

pytestmark = pytest.mark.unit
NAME = "Karim Benali"
TOKEN = make_token(Secret(b"P" * 32), "PERSON", NAME)


class Trail:
    """The audit log as erasure sees it (the container's adapter does the same)."""

    def __init__(self, log: AuditLog) -> None:
        self.log = log

    def records_about(self, subject: str) -> list[dict[str, Any]]:
        return [v.as_json() for v in self.log.query() if v.state == "readable" and subject in str(v.payload)]

    def forget(self, subject: str) -> int:
        return self.log.forget(subject)


class Reindex:
    """Stands in for the ingestor: re-reads each file through the boundary, which writes the tombstoned subject as
    ``<PERSON_REDACTED>``; fails ``failures`` times first (the index locked by a running server, say)."""

    def __init__(self, index: InMemoryIndex, failures: int) -> None:
        self.index, self.failures = index, failures

    def __call__(self, paths: Sequence[Path]) -> None:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("index locked by another process")
        for point_id, (chunk, dense, sparse) in list(self.index.points.items()):
            redacted = Chunk(**{**chunk.__dict__, "text": chunk.text.replace(TOKEN, "<PERSON_REDACTED>")})
            self.index.points[point_id] = (redacted, dense, sparse)


@pytest.fixture
def rig(tmp_path: Path) -> tuple[SqliteVault, SqliteDocumentRegistry, InMemoryIndex, AuditLog]:
    vault = SqliteVault(tmp_path / "vault.sqlite", Secret(b"V" * 32), Secret(b"I" * 32))
    vault.put(TOKEN, "PERSON", NAME)
    source = tmp_path / "rh.md"
    source.write_text(f"Entretien de {NAME}.")
    registry = SqliteDocumentRegistry(tmp_path / "registry.sqlite")
    registry.put(DocumentRecord("doc1", str(source), "h", "f", 1, ("hr",), "fr", "RH"))
    registry.set_mentions("doc1", {TOKEN})
    index = InMemoryIndex()
    chunk = Chunk("c1", "doc1", str(source), "RH", "", f"Entretien de {TOKEN}.", "fr", ("hr",), "h", 0)
    index.upsert([chunk], np.ones((1, 4), dtype=np.float32), [SparseVector([1], [1.0])])
    log = make_log(SqliteAuditStore(tmp_path / "audit.sqlite3"))
    log.record(AuditEntry(payload=AuditPayload(user_id="<USER_aaaaaaaaaaaaaaaa>", question=f"Salaire de {TOKEN} ?")))
    return vault, registry, index, log


@pytest.mark.parametrize("failures", [0, 1])
def test_an_erasure_completes_even_when_its_first_run_failed_half_way(
    rig: tuple[SqliteVault, SqliteDocumentRegistry, InMemoryIndex, AuditLog], failures: int
) -> None:
    vault, registry, index, log = rig
    reindex = Reindex(index, failures)
    rights = SubjectRights(vault, registry, index, reindex, Trail(log))
    if failures:
        with pytest.raises(RuntimeError, match="locked"):
            rights.forget(NAME)
        assert vault.is_forgotten(NAME)  # the vault was shredded before the failure
    receipt = rights.forget(NAME)
    assert receipt["subject_tokens"] == 1 and receipt["tombstone"] is True
    assert receipt["vault_entries_shredded"] == (0 if failures else 1)
    assert receipt["chunks_still_mentioning"] == 0 and receipt["audit_payloads_shredded"] == 1
    record = log.get(1)
    assert record is not None and record.state == "shredded"
    assert all(TOKEN not in chunk.text for chunk, _, _ in index.points.values())
    assert rights.export(NAME)["subject_tokens"] == []  # nothing left to give them


def test_an_erasure_record_says_which_officer_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from typer.testing import CliRunner

    from assistant.cli import app
    from assistant.container import Container
    from assistant.settings import load_settings
    from audit.views import AuditFilters

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_PRIVACY_SECRETS_DIR", str(tmp_path / "secrets"))
    result = CliRunner().invoke(app, ["privacy", "forget", "--type", "USER", "jdupont", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["subject_tokens"] == 1
    container = Container(load_settings())
    try:
        (record,) = list(container.audit.query(AuditFilters(operation="audit.forget")))
        assert record.header is not None and record.header["role"] == "compliance"
        assert record.payload is not None and str(record.payload["user_id"]).startswith("<USER_")
    finally:
        container.close()
