"""The HTTP API in-process (TestClient), with the container's models replaced by fakes and real stores: identity
decides access, every request is authenticated, audited and limited."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.container import Container
from assistant.core.embedding import Embedder
from assistant.core.index import SparseEncoder, VectorIndex
from assistant.server.app import create_app
from assistant.server.main import ingest_jobs
from assistant.server.state import ServerState
from assistant.settings import load_settings
from tests.fakes import FakeEmbedder, FakeSparseEncoder, InMemoryIndex

pytestmark = pytest.mark.unit
OPERATOR = "operator-credential-for-tests"
RETURNS = "Combien de jours un client a-t-il pour retourner un article ?"


class FakeContainer(Container):
    @cached_property
    def embedder(self) -> Embedder:
        return FakeEmbedder()

    @cached_property
    def sparse_encoder(self) -> SparseEncoder:
        return FakeSparseEncoder()

    @cached_property
    def index(self) -> VectorIndex:
        return InMemoryIndex()


@pytest.fixture
def container(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Container]:
    monkeypatch.setenv("ASSISTANT_PRIVACY_ENABLED", "false")  # no spaCy models in unit tests
    monkeypatch.setenv("ASSISTANT_PRIVACY_SECRETS_DIR", str(tmp_path / "secrets"))
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "retours.md").write_text(
        "---\naudience: store\n---\n# Retours\n\nLe client dispose de 30 jours pour retourner un article.\n"
    )
    (docs / "grille.md").write_text(
        "---\naudience: hr\n---\n# Grille salariale confidentielle\n\nLe salaire de base est de 1900 euros.\n"
    )
    settings = load_settings(
        data_dir=tmp_path / "data",
        llm={"backend": "none"},
        answer={"min_relevance": 0.2, "min_sentence_support": 0.1},
        server={"asks_per_minute": 5, "ingest_roots": [str(docs)]},
    )
    c = FakeContainer(settings)
    c.ingestor.ingest([docs])
    for name, role, store in (("marie", "store", "lyon-01"), ("paul", "store", "nice-02"), ("rh", "hr", None),
                              ("conformite", "compliance", None), ("siege", "hq", None)):  # fmt: skip
        c.users.add(name, role, store)
    yield c
    c.close()


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    jobs = ingest_jobs(container)  # as assistant serve wires it
    with TestClient(create_app(ServerState(container, OPERATOR, jobs), chat=False)) as test_client:
        yield test_client
    jobs.close()


def bearer(container: Container, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {container.users.issue_token(name)[0]}"}


def sse(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def asks(container: Container) -> list[int]:
    """The seqs of the ``ask`` records."""
    from audit.views import AuditFilters

    return [v.seq for v in container.audit.query(AuditFilters(operation="ask"))]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/ask"),
        ("POST", "/v1/search"),
        ("GET", "/v1/documents"),
        ("POST", "/v1/drafts"),
        ("POST", "/v1/ingest"),
        ("GET", "/v1/audit/records"),
        ("POST", "/v1/privacy/export"),
    ],
)
def test_no_identity_no_access(client: TestClient, method: str, path: str) -> None:
    for headers in ({}, {"Authorization": "Bearer ra_0000_forged"}, {"X-Forwarded-User": "rh"}):
        response = client.request(method, path, headers=headers, json={})
        assert response.status_code == 401, (path, headers)
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["error"]["type"] == "HTTPError"


def test_a_store_token_gets_a_cited_answer_recorded_with_its_user_and_front_door(
    client: TestClient, container: Container
) -> None:
    response = client.post("/v1/ask", json={"question": RETURNS}, headers=bearer(container, "marie"))
    assert response.status_code == 200
    answer = response.json()
    assert answer["refused"] is False and answer["citations"][0]["source"].endswith("retours.md")
    record = container.audit.get(answer["audit_seq"])
    assert record is not None and record.header is not None and record.payload is not None
    assert record.header["role"] == "store" and record.header["store"] == "lyon-01"
    assert record.header["extra"]["via"] == "api"
    assert record.payload["user_id"] == container.user_token("marie")


def test_the_answer_streams_as_server_sent_events_ending_with_the_audited_answer(
    client: TestClient, container: Container
) -> None:
    headers = {**bearer(container, "marie"), "Accept": "text/event-stream"}
    with client.stream("POST", "/v1/ask", json={"question": RETURNS}, headers=headers) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = sse(response.read().decode())
    assert events[-1][0] == "final" and all(name == "delta" for name, _ in events[:-1])
    final = events[-1][1]
    assert [final["audit_seq"]] == asks(container) and final["citations"]
    streamed = client.post("/v1/ask", json={"question": RETURNS, "stream": True}, headers=bearer(container, "marie"))
    assert sse(streamed.text)[-1][0] == "final"
    assert len(asks(container)) == 2  # one record per question


def test_identity_decides_what_is_read_never_a_request_field(client: TestClient, container: Container) -> None:
    store, hr = bearer(container, "marie"), bearer(container, "rh")
    title = "Grille salariale confidentielle"
    found = client.post("/v1/search", json={"query": title, "top_k": 10}, headers=hr).json()["hits"]
    assert any(h["source"].endswith("grille.md") for h in found)  # the hr document exists and is found
    hits = client.post("/v1/search", json={"query": title, "top_k": 10}, headers=store).json()["hits"]
    assert not any(h["source"].endswith("grille.md") for h in hits)
    answer = client.post("/v1/ask", json={"question": f"{title} : salaire de base ?"}, headers=store).json()
    assert not any(c["source"].endswith("grille.md") for c in answer["citations"])
    listed = {Path(d["source"]).name for d in client.get("/v1/documents", headers=store).json()["documents"]}
    assert listed == {"retours.md"}
    assert "grille.md" in {Path(d["source"]).name for d in client.get("/v1/documents", headers=hr).json()["documents"]}
    forged = client.post("/v1/search", json={"query": title, "role": "hr"}, headers=store)
    assert forged.status_code == 422 and "role" in forged.json()["error"]["message"]


def test_a_disabled_user_stops_at_once(client: TestClient, container: Container) -> None:
    headers = bearer(container, "marie")
    assert client.get("/v1/documents", headers=headers).status_code == 200
    container.users.disable("marie")
    assert client.get("/v1/documents", headers=headers).status_code == 401


def test_questions_are_rate_limited_per_user_with_retry_after(client: TestClient, container: Container) -> None:
    marie, paul = bearer(container, "marie"), bearer(container, "paul")
    codes = [client.post("/v1/search", json={"query": "retour"}, headers=marie).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    limited = client.post("/v1/ask", json={"question": RETURNS}, headers=marie)
    assert limited.status_code == 429 and 1 <= int(limited.headers["retry-after"]) <= 60
    assert client.post("/v1/search", json={"query": "retour"}, headers=paul).status_code == 200


def test_large_bodies_are_refused_and_every_response_carries_security_headers(
    client: TestClient, container: Container
) -> None:
    response = client.post("/v1/ask", content=b"x" * 70_000, headers={**bearer(container, "marie"),
                                                                      "Content-Type": "application/json"})  # fmt: skip
    assert response.status_code == 413
    ok = client.get("/healthz")
    for header in ("x-content-type-options", "x-frame-options", "content-security-policy", "referrer-policy"):
        assert header in ok.headers and header in response.headers
    assert "access-control-allow-origin" not in client.get("/healthz", headers={"Origin": "https://evil"}).headers


def test_feedback_only_on_ones_own_answer(client: TestClient, container: Container) -> None:
    marie, paul = bearer(container, "marie"), bearer(container, "paul")
    seq = client.post("/v1/ask", json={"question": RETURNS}, headers=marie).json()["audit_seq"]
    assert client.post("/v1/feedback", json={"audit_seq": seq, "rating": -1}, headers=paul).status_code == 403
    assert client.post("/v1/feedback", json={"audit_seq": 9999, "rating": 1}, headers=marie).status_code == 404
    assert client.post("/v1/feedback", json={"audit_seq": seq, "rating": 0}, headers=marie).status_code == 400
    done = client.post("/v1/feedback", json={"audit_seq": seq, "rating": -1, "comment": "incomplet"}, headers=marie)
    assert done.status_code == 200 and done.json()["answer_seq"] == seq


def test_the_compliance_desk_is_for_reviewer_roles_and_records_its_reads(
    client: TestClient, container: Container
) -> None:
    client.post("/v1/ask", json={"question": RETURNS}, headers=bearer(container, "marie"))
    store, officer = bearer(container, "marie"), bearer(container, "conformite")
    for method, path in (("GET", "/v1/audit/records"), ("POST", "/v1/audit/verify"), ("GET", "/v1/audit/export")):
        assert client.request(method, path, headers=store).status_code == 403
    records = client.get("/v1/audit/records", params={"operation": "ask"}, headers=officer).json()["records"]
    assert [r["header"]["operation"] for r in records] == ["ask"]
    assert client.get(f"/v1/audit/records/{records[0]['seq']}", headers=officer).json()["payload"]["question"]
    verified = client.post("/v1/audit/verify", headers=officer).json()
    assert verified["ok"] is True
    csv = client.get("/v1/audit/export", params={"format": "csv"}, headers=officer)
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.startswith("seq,")
    bad = client.get("/v1/audit/records", params={"since": "yesterday"}, headers=officer)
    assert bad.status_code == 400 and "ISO 8601" in bad.json()["error"]["message"]
    operations = {v.header["operation"] for v in container.audit.query() if v.header}
    assert {"audit.list", "audit.show", "audit.verify", "audit.export"} <= operations


def wait_job(client: TestClient, job: str, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        state: dict[str, Any] = client.get(f"/v1/ingest/{job}", headers=headers).json()
        if state["state"] in ("done", "failed"):
            return state
        time.sleep(0.05)
    raise AssertionError("the ingestion job did not end")


def test_ingestion_jobs_for_allowed_roles_below_allowed_folders(
    client: TestClient, container: Container, tmp_path: Path
) -> None:
    hq, store = bearer(container, "siege"), bearer(container, "marie")
    new = tmp_path / "docs" / "cadeaux.md"
    new.write_text("---\naudience: store\n---\n# Carte cadeau\n\nLa carte cadeau est valable 18 mois.\n")
    assert client.post("/v1/ingest", json={"paths": [str(new)]}, headers=store).status_code == 403
    outside = client.post("/v1/ingest", json={"paths": [str(tmp_path)]}, headers=hq)
    assert outside.status_code == 403 and "ingest_roots" in outside.json()["error"]["message"]
    job = client.post("/v1/ingest", json={"paths": [str(new)]}, headers=hq)
    assert job.status_code == 202
    state = wait_job(client, job.json()["job"], hq)
    assert state["state"] == "done" and state["report"]["added"] == 1
    assert state["report"]["readers"]["store"] == 1 and state["report"]["warnings"] == []  # who can read the batch
    assert client.get(f"/v1/ingest/{job.json()['job']}", headers=store).status_code == 404  # not theirs
    sheet = ("prix.md", b"# Prix\n\nLe prix est juste.\n", "text/markdown")
    upload = client.post("/v1/ingest", files=[("files", sheet)], data={"audience": "store"}, headers=hq)
    assert upload.status_code == 202, upload.text
    uploaded = wait_job(client, upload.json()["job"], hq)
    assert uploaded["report"]["documents"][0]["audience"] == ["store"]
    hits = client.post("/v1/search", json={"query": "carte cadeau valable"}, headers=store).json()["hits"]
    assert hits[0]["source"].endswith("cadeaux.md")


def test_the_operator_acts_as_the_role_it_names(client: TestClient, container: Container) -> None:
    operator = {"Authorization": f"Bearer {OPERATOR}", "X-Assistant-Role": "hr", "X-Assistant-User": "admin"}
    hits = client.post("/v1/search", json={"query": "Grille salariale"}, headers=operator).json()["hits"]
    assert any(h["source"].endswith("grille.md") for h in hits)
    unknown = client.post("/v1/search", json={"query": "x"}, headers={**operator, "X-Assistant-Role": "stagiaire"})
    assert unknown.status_code == 403 and unknown.json()["error"]["exit_code"] == 2
    seq = client.post("/v1/ask", json={"question": RETURNS}, headers=operator).json()["audit_seq"]
    record = container.audit.get(seq)
    assert record is not None and record.header is not None and record.header["extra"]["via"] == "operator"


def test_readiness_reports_each_store_and_a_missing_llm_only_degrades(client: TestClient) -> None:
    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["ready"] is True and {"index", "audit", "users"} <= set(body["checks"])


def test_the_api_documents_itself_without_a_cdn(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/v1/ask", "/v1/search", "/v1/ingest", "/v1/audit/records", "/v1/privacy/forget"} <= set(schema["paths"])
    page = client.get("/docs").text
    assert "/docs-assets/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
