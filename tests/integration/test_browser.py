"""The chat in a real browser (Debian's chromium driven by Playwright, installed by deploy/browser.sh) against the
real server: each persona signs in and does their work; nothing is fetched from outside 127.0.0.1. Screenshots go to
``$ASSISTANT_TEST_SCREENSHOTS`` (default: the test's temporary folder); three of them are kept in
``assistant/ui/screenshots`` and shown in the README."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eval.chat_latency import send
from tests.integration.conftest import PASSWORD, SMOLLM_ALIAS, Server, serving_copy

pytestmark = pytest.mark.integration
ANSWER_TIMEOUT_MS = 180_000  # the extractive answerer on 2 busy cores: seconds, sometimes a minute


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    path = shutil.which("chromium")
    if path is None:
        pytest.fail("no chromium: run deploy/browser.sh (deploy/test.sh does)")
    flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=flags)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("ASSISTANT_TEST_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Visit:
    """One persona's browser page, signed in, recording every request it makes."""

    def __init__(self, chromium: Any, server: Server, user: str, locale: str = "fr-FR") -> None:
        self.server = server
        self.context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(server.url, wait_until="networkidle")
        self.page.fill("#email", user)
        self.page.fill("#password", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_selector("#chat-input", timeout=60_000)

    def ask(self, question: str) -> Any:
        """Send ``question``; the assistant's reply once its final form (with sources or a refusal) is shown."""
        before = self.page.locator("[data-step-type=assistant_message]").count()
        send(self.page, question)
        reply = self.page.locator("[data-step-type=assistant_message]").nth(before)
        reply.locator("text=/Sources|Je n'ai pas trouvé|I could not find/").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
        return reply

    def outside(self) -> list[str]:
        return sorted({url for url in self.requests if not url.startswith(("http://127.0.0.1", "data:", "blob:"))})

    def close(self) -> None:
        self.context.close()


def test_store_staff_ask_follow_up_open_a_source_and_rate(chromium: Any, live_server: Server, shots: Path) -> None:
    visit = Visit(chromium, live_server, "marie")
    page = visit.page
    try:
        assert page.get_by_text("Retours", exact=True).count() >= 1  # the role's starters
        assert page.get_by_text("Conformité").count() == 0 and page.get_by_text("Marketing").count() == 0
        first = visit.ask("Combien de jours un client a-t-il pour retourner un article ?")
        assert "30 jours" in first.inner_text() and "retours-remboursements.md" in first.inner_text()
        first.get_by_text("[1.1]").first.click()  # the citation opens its passage
        page.get_by_text("Le client dispose de 30 jours").first.wait_for(timeout=10_000)
        follow = visit.ask("Et pendant les soldes ?")
        text = follow.inner_text()
        assert "Question comprise" in text and "retours-remboursements.md" in text and "14 jours" in text
        follow.get_by_text("[2.1]").first.click()
        page.locator("#side-view-content, [role=complementary], aside").last.wait_for(timeout=10_000)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(shots / "store.png"))
        follow.locator(".negative-feedback-off").click()
        dialog = page.locator("[role=dialog]")
        dialog.locator("textarea").fill("Il manque le cas des articles personnalisés.")
        dialog.locator("#submit-feedback").click()
        dialog.wait_for(state="hidden", timeout=10_000)
        assert "hr" not in {part for url in visit.requests for part in url.split("/")}
        assert not any("grille-salariale" in url for url in visit.requests)
        assert visit.outside() == []
    finally:
        visit.close()
    with live_server.client("conformite") as officer:
        ratings = officer.get("/v1/audit/records", params={"operation": "feedback", "limit": 100}).json()["records"]
    assert any(r["header"]["rating"] == -1 and "personnalisés" in (r["payload"] or {}).get("comment", "")
               for r in ratings), ratings  # fmt: skip


def appears(page: Any, locator: Any, timeout_ms: int) -> None:
    """Wait for ``locator``; on a timeout, fail with what the chat shows instead (its last messages)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        locator.wait_for(timeout=timeout_ms)
    except PlaywrightTimeout:
        steps = page.locator("[data-step-type]")
        last = [steps.nth(i).inner_text()[:600] for i in range(max(0, steps.count() - 3), steps.count())]
        pytest.fail(f"not shown within {timeout_ms / 1000:.0f} s: {locator}; the chat's last messages: {last}")


def action(page: Any, label: str) -> None:
    """Click the action button labelled ``label`` (the latest one)."""
    page.locator(f'button:has-text("{label}")').last.click()


def pick_profile(page: Any, name: str) -> None:
    """Choose a chat profile in the header (and confirm the new chat Chainlit may ask about)."""
    page.locator("#chat-profiles, button:has-text('Magasin')").first.click()
    page.get_by_text(name, exact=True).last.click()
    confirm = page.locator("[role=alertdialog] button, [role=dialog] button:has-text('Confirmer')")
    if confirm.count():
        confirm.last.click()
    page.wait_for_timeout(1500)


def test_compliance_officer_reviews_the_exchange_verifies_the_chain_and_exports_a_person(
    chromium: Any, live_server: Server, shots: Path
) -> None:
    with live_server.client("marie") as marie:  # an exchange to review, with its feedback
        seq = marie.post("/v1/ask", json={"question": "Combien de jours pour retourner un article ?"}).json()[
            "audit_seq"
        ]
        marie.post("/v1/feedback", json={"audit_seq": seq, "rating": -1, "comment": "réponse incomplète"})
    visit = Visit(chromium, live_server, "conformite")
    page = visit.page
    try:
        pick_profile(page, "Conformité")
        action(page, "Journal d'audit")
        table = page.locator("table").last
        table.wait_for(timeout=60_000)
        assert f"| {seq} |" in page.content() or table.get_by_text(str(seq), exact=True).count()
        action(page, f"Ouvrir #{seq}")
        record = page.get_by_text("réponse incomplète").first  # the opened record shows its feedback
        appears(page, record, 60_000)
        action(page, "Vérifier la chaîne")
        appears(page, page.get_by_text("Chaîne intègre").first, 120_000)
        page.screenshot(path=str(shots / "compliance.png"))
        _latest_evaluation(live_server.data_dir / "eval" / "report")
        action(page, "Qualité des réponses")
        appears(page, page.get_by_text("rapport-evaluation.html").first, 60_000)
        assert page.get_by_text("contrôle qualité réussi").count() >= 1  # the run's gate verdict
        action(page, "Export d'une personne")  # last: the actions wait while the chat asks for the person
        send(page, "Karim Benali")
        appears(page, page.get_by_text("export-personne.json").first, 120_000)
        assert visit.outside() == []
    finally:
        visit.close()
    with live_server.client("conformite") as officer:
        operations = {r["header"]["operation"] for r in officer.get("/v1/audit/records", params={"limit": 10000})
                      .json()["records"] if r["header"]}  # fmt: skip
    assert {"audit.list", "audit.show", "audit.verify", "privacy.export", "eval.report"} <= operations


def _latest_evaluation(folder: Path) -> None:
    """What ``assistant eval run`` leaves in the data dir (the server holds the index: written here, not run)."""
    import json

    from eval.report import write_report
    from eval.run import results

    curve = [0.8, 0.85, 0.88, 0.89, 0.9, 0.9, 0.9, 0.92, 0.94, 0.95]
    hybrid = {"hit@1": 0.8, "hit@5": 0.9, "hit@10": 0.95, "mrr": 0.85, "ndcg@10": 0.8, "latency_p50_ms": 1.0,
              "latency_p95_ms": 2.0, "recall_curve": curve}  # fmt: skip
    run = results({"retrieval": {"questions": 65, "modes": {"hybrid": hybrid}, "per_question": []}},
                  {"path": "golden.jsonl", "sha256": "0", "questions": 86}, {"top_k": 5}, "v1")  # fmt: skip
    run["gate"] = {"passed": True, "failures": [], "not_measured": []}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(run), encoding="utf-8")
    write_report(run, folder)


@pytest.fixture(scope="module")
def drafting_server(
    corpus_data_dir: tuple[Path, dict[str, Any]],
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Server]:
    """A server whose drafts come from a real local LLM server: the tiny test model (what it writes is judged by the
    copy checks; the test needs the studio's flow, not good copy), or the one at ``$ASSISTANT_TEST_DRAFT_LLM_URL``
    (e.g. ``assistant llm serve``'s, for the README screenshot). The test model serves a 2,048-token window, half the
    default's: the sheet budget is set to fit it with the retry turn, as an operator of a small window would."""
    url = os.environ.get("ASSISTANT_TEST_DRAFT_LLM_URL")
    if url:
        llm = {"ASSISTANT_LLM_BACKEND": "openai", "ASSISTANT_LLM_BASE_URL": url}
    else:
        llm = {"ASSISTANT_LLM_BACKEND": "openai", "ASSISTANT_LLM_BASE_URL": request.getfixturevalue("llm_server"),
               "ASSISTANT_LLM_MODEL": SMOLLM_ALIAS, "ASSISTANT_LLM_COPY_MAX_SOURCE_CHARS": "1500"}  # fmt: skip
    with serving_copy(corpus_data_dir[0], tmp_path_factory.mktemp("drafting"), **llm) as server:
        yield server


def test_marketing_drafts_copy_for_a_product_and_sees_the_sheet_passages(
    chromium: Any, drafting_server: Server, shots: Path
) -> None:
    visit = Visit(chromium, drafting_server, "mkt")
    page = visit.page
    try:
        pick_profile(page, "Marketing")
        send(page, "cocotte")
        action(page, "MC-COC-24")  # the sheets that match the name, offered by reference
        appears(page, page.get_by_text("Passages de la fiche").last, ANSWER_TIMEOUT_MS)
        reply = page.locator("[data-step-type=assistant_message]").last
        shown = reply.inner_text()
        assert "fiche-cocotte-maitre-coq.md" in shown or "catalogue-produits.csv" in shown, shown  # sheets citing it
        reply.get_by_text("[1.1]").first.click()
        page.get_by_text("MC-COC-24").last.wait_for(timeout=10_000)  # the passage, opened
        page.screenshot(path=str(shots / "marketing.png"))
        assert page.locator('button:has-text("Régénérer")').count() >= 1
        assert page.get_by_text("Conformité").count() == 0
        assert visit.outside() == []
    finally:
        visit.close()
    with drafting_server.client("conformite") as officer:
        drafts = officer.get("/v1/audit/records", params={"operation": "draft"}).json()["records"]
    assert drafts and drafts[-1]["header"]["extra"]["via"] == "chat"
