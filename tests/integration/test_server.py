"""The real server process (``assistant serve``) on 127.0.0.1 over the ingested sample corpus: identity decides
access through every endpoint, answers stream with their audit record, the compliance desk works, a disabled user's
token and chat session stop, and the CLI ingests through the running server."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.conftest import ASSISTANT, PASSWORD, ROOT, Server, env_for, run_cli

pytestmark = pytest.mark.integration
HR_TITLE = "Grille salariale 2025 — personnel des magasins"  # rh/confidentiel/grille-salariale-2025.docx, audience hr


@pytest.fixture(scope="module")
def server(live_server: Server) -> Server:
    return live_server


def events(response: httpx.Response) -> list[tuple[str, dict[str, Any]]]:
    found, name = [], "message"
    for line in response.iter_lines():
        if line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            found.append((name, json.loads(line[5:])))
    return found


def test_nothing_without_identity(server: Server) -> None:
    with server.client() as anonymous:
        assert anonymous.post("/v1/ask", json={"question": "Bonjour ?"}).status_code == 401
        assert anonymous.get("/v1/documents").status_code == 401
        assert anonymous.get("/project/settings", params={"language": "fr-FR"}).status_code == 401
        page = anonymous.get("/")
        assert page.status_code == 200 and "<html" in page.text.lower()  # the chat's sign-in page


def test_a_store_token_gets_a_streamed_cited_answer_with_its_audit_seq(server: Server) -> None:
    question = {"question": "Combien de jours un client a-t-il pour retourner un article ?"}
    accept = {"Accept": "text/event-stream"}
    with server.client("marie") as marie, marie.stream("POST", "/v1/ask", json=question, headers=accept) as response:
        assert response.status_code == 200
        received = events(response)
    name, final = received[-1]
    assert name == "final" and final["refused"] is False
    assert final["citations"] and isinstance(final["audit_seq"], int)
    assert any("30" in (data.get("text") or data.get("answer", "")) for _, data in received)


def test_a_store_token_never_receives_an_hr_chunk_and_an_hr_token_does(server: Server) -> None:
    def hr_sources(payload: Any) -> list[str]:
        return [s for s in json.dumps(payload).split('"') if "grille-salariale" in s]

    with server.client("marie") as marie, server.client("rh") as rh, server.client("mkt") as mkt:
        found = rh.post("/v1/search", json={"query": HR_TITLE, "top_k": 5}).json()
        assert hr_sources(found), "the hr token must find the hr document by its title"
        for response in (
            marie.post("/v1/search", json={"query": HR_TITLE, "top_k": 20}),
            marie.post("/v1/ask", json={"question": HR_TITLE}),
            marie.get("/v1/documents"),
            mkt.post("/v1/drafts", json={"product": HR_TITLE, "channel": "web"}),
            marie.post("/v1/drafts", json={"product": HR_TITLE, "channel": "web"}),
        ):
            assert not hr_sources(response.json()), response.request.url
        assert hr_sources(rh.get("/v1/documents").json())


def test_a_compliance_token_lists_and_verifies_the_trail(server: Server) -> None:
    with server.client("conformite") as officer, server.client("marie") as marie:
        assert marie.get("/v1/audit/records").status_code == 403
        records = officer.get("/v1/audit/records", params={"operation": "ask", "limit": 500}).json()["records"]
        assert records and all(r["header"]["operation"] == "ask" for r in records)
        verified = officer.post("/v1/audit/verify").json()
        assert verified["ok"] is True and verified["size"] > len(records)


def test_a_disabled_user_loses_token_and_chat_session(server: Server) -> None:
    subprocess.run([ASSISTANT, "users", "add", "ephemere", "--role", "store", "--password-stdin"], input=PASSWORD,
                   env=env_for(server.data_dir), cwd=ROOT, check=True, capture_output=True, text=True)  # fmt: skip
    token = json.loads(run_cli(server.data_dir, "users", "token", "ephemere", "--json").stdout)["token"]
    with httpx.Client(base_url=server.url, timeout=60) as browser:
        assert browser.post("/login", data={"username": "ephemere", "password": "wrong password!!"}).status_code == 401
        assert browser.post("/login", data={"username": "ephemere", "password": PASSWORD}).status_code == 200
        assert browser.get("/user").json()["identifier"] == "ephemere"
        api = {"Authorization": f"Bearer {token}"}
        assert browser.get("/v1/documents", headers=api).status_code == 200
        run_cli(server.data_dir, "users", "disable", "ephemere")
        assert browser.get("/v1/documents", headers=api).status_code == 401
        assert browser.get("/ws/socket.io/", params={"EIO": "4", "transport": "polling"}).status_code == 401
        assert browser.get("/user").status_code == 401  # (each refusal also clears the session cookie)
        assert browser.post("/login", data={"username": "ephemere", "password": PASSWORD}).status_code == 401


def test_ingest_goes_through_the_running_server_and_the_document_is_answerable(server: Server, tmp_path: Path) -> None:
    folder = tmp_path / "nouveautes"
    folder.mkdir()
    (folder / "carte-fidelite-or.md").write_text(
        "---\naudience: store\n---\n# Carte Lumière Or\n\n"
        "La carte Lumière Or donne droit à la livraison gratuite dès le premier achat et à 12 % de remise "
        "pendant la semaine anniversaire du client.\n"
    )
    report = json.loads(run_cli(server.data_dir, "ingest", str(folder), "--json").stdout)
    contract = {"added", "updated", "unchanged", "deleted", "failed", "chunks_embedded", "chunks_deleted", "skipped"}
    assert set(report) >= {*contract, "documents"}  # fields may be added (readers, warnings), never removed
    assert report["readers"]["store"] == 1 and report["warnings"] == []  # who can read it, from the server's job
    assert report["added"] == 1 and report["documents"][0]["audience"] == ["store"]
    with server.client("marie") as marie:
        answer = marie.post("/v1/ask", json={"question": "Quelle remise donne la carte Lumière Or ?"}).json()
    assert any(c["source"].endswith("carte-fidelite-or.md") for c in answer["citations"])
    searched = json.loads(run_cli(server.data_dir, "search", "carte Lumière Or", "--json").stdout)["hits"]
    assert searched[0]["source"].endswith("carte-fidelite-or.md")  # search goes through the server too
