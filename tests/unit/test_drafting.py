"""DraftService: one audit record per marketing draft, whatever happens; the output guard runs after recording."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answering.copywriter import CopyDraft, CopyRequest, ProductNotFoundError
from assistant.core.domain import Citation
from assistant.core.errors import UnknownRoleError
from assistant.drafting import DraftService
from assistant.finops.settings import CostSettings
from assistant.llm.ports import LlmUnavailableError
from assistant.recording import Asker, Recorder
from assistant.retrieval.access import AccessPolicy
from audit.factory import build_audit_log
from audit.log import AuditLog
from audit.settings import AuditSettings
from audit.views import AuditFilters, AuditView

pytestmark = pytest.mark.unit
ACCESS = AccessPolicy({"marketing": ["marketing", "public"], "store": ["store"]})
RAW = "Sophie Marchand"
TOKEN = "<PERSON_0123456789abcdef>"
COPY = "La cocotte MC-COC-24 en fonte émaillée, 24 cm, pour vos plats mijotés."


class ScriptedDrafter:
    """Drafter double: a fixed copy from two source chunks, a refusal, or an error."""

    def __init__(self, *, fail: Exception | None = None, refused: bool = False) -> None:
        self.fail, self.refused = fail, refused
        self.roles: list[str] = []

    def draft(self, request: CopyRequest, role: str = "marketing") -> CopyDraft:
        self.roles.append(role)
        if self.fail:
            raise self.fail
        return CopyDraft(
            request=request,
            text="" if self.refused else COPY,
            refused=self.refused,
            issues=["numbers:99"] if self.refused else [],
            sources=[Citation("/d/fiche.md", "c1", "Fiche cocotte"), Citation("/d/charte.md", "c2", "Charte")],
            model="qwen-test",
            prompt_version="marketing_copy@1.0.0",
            prompt_tokens=400,
            completion_tokens=60,
            attempts=2 if self.refused else 1,
            flags=["regenerated", "copy_refused"] if self.refused else [],
            timings_ms={"retrieve": 5.0, "generate": 7200.0},
            source_chunks=(("c1", "fiche"), ("c2", "charte")),
        )


@pytest.fixture
def log(tmp_path: Path) -> Iterator[AuditLog]:
    audit = build_audit_log(AuditSettings(sqlite_path=tmp_path / "audit.sqlite3"), tmp_path, tmp_path / "secrets")
    yield audit
    audit.close()


def drafts(log: AuditLog, drafter: ScriptedDrafter, guarded: list[str]) -> DraftService:
    def reveal(text: str, role: str, language: str) -> str:
        guarded.append(text)
        return text.replace("24 cm", "24 cm (guarded)")

    costs = CostSettings(method="gpu_hour", gpu_hour=3.6, concurrency=1.0)
    recorder = Recorder(
        log, ACCESS, costs, lambda user: f"<USER_{'a' * 16}>", lambda text: text.replace(RAW, TOKEN), reveal
    )
    return DraftService(drafter, recorder)


def recorded(log: AuditLog) -> AuditView:
    (view,) = log.query(AuditFilters(operation="draft"))
    return view


def test_a_draft_is_recorded_as_written_then_guarded_for_its_reader(log: AuditLog) -> None:
    guarded: list[str] = []
    request = CopyRequest("MC-COC-24", "web", "fr", f"chaleureux, comme {RAW}")
    draft = drafts(log, ScriptedDrafter(), guarded).draft(request, Asker("marketing", "jdupont"))
    assert draft.text == COPY.replace("24 cm", "24 cm (guarded)") and guarded == [COPY]
    view = recorded(log)
    assert draft.audit_seq == view.seq
    header, payload = view.header, view.payload
    assert header is not None and payload is not None
    assert (header["use_case"], header["model"], header["prompt_version"], header["refused"]) == (
        "marketing_copy",
        "qwen-test",
        "marketing_copy@1.0.0",
        False,
    )
    assert header["cited_chunks"] == ["c1", "c2"]
    assert [r["doc_id"] for r in header["retrieved"]] == ["fiche", "charte"]
    assert header["acl_filter"]["audiences"] == ["marketing", "public"]
    assert header["tokens"] == {"prompt": 400, "completion": 60}
    assert header["cost_eur"] == pytest.approx(0.0072)
    assert header["extra"]["product"] == "MC-COC-24" and header["extra"]["channel"] == "web"
    assert payload["answer"] == COPY  # as written, not as guarded
    assert payload["question"] == f"MC-COC-24 · web · fr · chaleureux, comme {TOKEN}"
    assert payload["user_id"] == f"<USER_{'a' * 16}>"
    assert RAW not in str(header) + str(payload)


def test_a_refused_draft_is_recorded_with_its_reasons_and_nothing_is_guarded(log: AuditLog) -> None:
    guarded: list[str] = []
    draft = drafts(log, ScriptedDrafter(refused=True), guarded).draft(
        CopyRequest("MC-COC-24", "social", "fr"), Asker("marketing")
    )
    assert (draft.refused, draft.text, guarded) == (True, "", [])
    header = recorded(log).header
    assert header is not None
    assert header["refused"] is True
    assert header["extra"]["issues"] == ["numbers:99"] and header["extra"]["attempts"] == 2


@pytest.mark.parametrize(
    ("drafter", "role", "error"),
    [
        (ScriptedDrafter(fail=ProductNotFoundError("no document mentions XX-000")), "marketing", ProductNotFoundError),
        (ScriptedDrafter(fail=LlmUnavailableError("endpoint down")), "marketing", LlmUnavailableError),
        (ScriptedDrafter(), "intern", UnknownRoleError),
    ],
)
def test_a_failed_draft_is_recorded_with_its_error_type_only(
    log: AuditLog, drafter: ScriptedDrafter, role: str, error: type[Exception]
) -> None:
    typed = CopyRequest(f"{RAW} 06 12 34 56 78", "web", "fr", f"comme {RAW}")  # a product field holding anything
    with pytest.raises(error):
        drafts(log, drafter, []).draft(typed, Asker(role, "jdupont"))
    view = recorded(log)
    assert view.header is not None and view.header["error"] == error.__name__
    assert "product" not in view.header["extra"]  # the hashed header, which erasure cannot reach
    assert RAW not in str(view.header)
    assert view.payload is not None
    assert view.payload["question"] == f"{TOKEN} 06 12 34 56 78 · web · fr · comme {TOKEN}"
    assert drafter.roles == ([] if error is UnknownRoleError else [role])  # an unknown role drafts nothing


def test_a_draft_the_audit_store_cannot_record_is_not_written(tmp_path: Path) -> None:
    import sqlite3

    from audit.errors import AuditStoreError

    path = tmp_path / "audit.sqlite3"
    audit = build_audit_log(AuditSettings(sqlite_path=path, busy_timeout_s=0.2), tmp_path, tmp_path / "secrets")
    drafter = ScriptedDrafter()
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(AuditStoreError, match="locked"):
            drafts(audit, drafter, []).draft(CopyRequest("MC-COC-24", "web", "fr", ""), Asker("marketing", "m"))
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert drafter.roles == [] and list(audit.query()) == []
    audit.close()
