"""Time from Enter to the first visible sentence in the store chat, in a real browser (Debian's chromium driven by
Playwright), over the golden questions: p50 and p95, and the time to the complete answer. Outside CI (a benchmark).

    python -m eval.chat_latency --url http://127.0.0.1:8000 --user demo.store --password-file FILE [--questions 20]

The server must run (``assistant serve``) with the answerer to measure (the CPU default: the local LLM server
started by ``assistant llm serve``); FILE holds the user's password on its first line.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path
from typing import Any

from eval.golden import load_golden

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


def _quantile(values: list[float], q: float) -> float | None:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2) if ordered else None


def send(page: Any, text: str) -> float:
    """Type ``text`` and press Enter until the chat shows it as sent (its socket may still be connecting); the time
    of the Enter that was taken."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    sent = page.locator("[data-step-type=user_message]")
    before = sent.count()
    page.locator("#chat-input").fill(text)
    for _ in range(20):
        pressed = time.perf_counter()
        page.keyboard.press("Enter")
        try:
            sent.nth(before).wait_for(timeout=3_000)
            return pressed
        except PlaywrightTimeout:
            page.locator("#chat-input").click()
    raise RuntimeError(f"the chat never took the message {text!r}")


def measure(url: str, user: str, password: str, questions: list[str], timeout_s: float) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    first: list[float] = []
    whole: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
        page = browser.new_page(locale="fr-FR")
        page.goto(url, wait_until="networkidle")
        page.fill("#email", user)
        page.fill("#password", password)
        page.click("button[type=submit]")
        page.wait_for_selector("#chat-input", timeout=60_000)
        for question in questions:
            replies = page.locator("[data-step-type=assistant_message]")
            before = replies.count()
            started = send(page, question)
            reply = replies.nth(before)
            reply.locator("text=/\\w{3,}/").first.wait_for(timeout=timeout_s * 1000)  # the first words shown
            first.append(time.perf_counter() - started)
            reply.locator("text=/Sources|Je n'ai pas trouvé|I could not find/").first.wait_for(timeout=timeout_s * 1000)
            whole.append(time.perf_counter() - started)
        browser.close()
    return {
        "questions": len(questions),
        "first_sentence_p50_s": _quantile(first, 0.5),
        "first_sentence_p95_s": _quantile(first, 0.95),
        "answer_p50_s": _quantile(whole, 0.5),
        "answer_p95_s": _quantile(whole, 0.95),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m eval.chat_latency", description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password-file", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--timeout-s", type=float, default=600)
    args = parser.parse_args(argv)
    password = args.password_file.read_text(encoding="utf-8").splitlines()[0]
    golden = [q.question for q in load_golden() if q.answerable and q.role == "store" and q.language == "fr"]
    print(json.dumps(measure(args.url, args.user, password, golden[: args.questions], args.timeout_s), indent=2))


if __name__ == "__main__":
    main()
