"""Conformité, continued: a person's data exported (a JSON download) or erased after an explicit confirmation (with
the receipt), retention and purge, the cost report with its chart, the latest evaluation report (a download). Each
action is an audit record."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path

import chainlit as cl

from assistant.container import Container
from assistant.identity.model import Identity
from assistant.ui.desk import officer, t

TIMEOUT_S = 600


async def _subject(language: str) -> str | None:
    reply = await cl.AskUserMessage(content=t("who", language), timeout=TIMEOUT_S).send()
    value = str(reply.get("output", "")).strip() if reply else ""
    return value or None


async def export(c: Container, who: Identity, language: str) -> None:
    subject = await _subject(language)
    if subject is None:
        return
    desk, me = officer(c, who)
    report = await asyncio.to_thread(desk.export_subject, me, subject)
    if not report["subject_tokens"]:
        await cl.Message(content=t("nothing", language)).send()
        return
    data = json.dumps(report, ensure_ascii=False, indent=2).encode()
    summary = f"{len(report['subject_tokens'])} pseudonyme(s), {len(report['documents'])} document(s), " \
              f"{len(report['audit_records'])} enregistrement(s) d'audit."  # fmt: skip
    download = cl.File(name="export-personne.json", content=data, mime="application/json", display="inline")
    await cl.Message(content=summary, elements=[download]).send()


async def forget(c: Container, who: Identity, language: str) -> None:
    subject = await _subject(language)
    if subject is None:
        return
    desk, me = officer(c, who)
    found = await asyncio.to_thread(c.privacy.vault.find, subject, None)
    if not found:
        await cl.Message(content=t("nothing", language)).send()
        return
    documents = await asyncio.to_thread(lambda: c.registry.mentioning(set(found)))
    choice = await cl.AskActionMessage(
        content=t("confirm", language, n=len(found), docs=len(documents)),
        actions=[cl.Action(name="confirm", payload={"erase": True}, label=t("yes", language)),
                 cl.Action(name="cancel", payload={"erase": False}, label=t("no", language))],
        timeout=TIMEOUT_S,
    ).send()  # fmt: skip
    if not choice or not choice.get("payload", {}).get("erase"):
        await cl.Message(content=t("cancelled", language)).send()
        return
    from assistant.server.state import current

    def erase() -> dict[str, object]:
        with current().jobs.exclusive():  # re-indexing waits for a running ingestion
            return desk.forget_subject(me, subject)

    receipt = await asyncio.to_thread(erase)
    lines = "\n".join(f"- {key} : {value}" for key, value in receipt.items())
    await cl.Message(content=f"**{t('receipt', language)}**\n\n{lines}").send()


async def retention(c: Container, who: Identity, language: str) -> None:
    desk, me = officer(c, who)
    plan = await asyncio.to_thread(desk.purge, me, True)
    days = c.settings.audit.retention_days
    text = t("retention_is", language, purged=plan.purged, cutoff=plan.cutoff, days=days)
    actions = [cl.Action(name="desk_purge", payload={}, label=t("purge", language))] if plan.purged else []
    await cl.Message(content=text, actions=actions).send()


async def purge(c: Container, who: Identity, language: str) -> None:
    choice = await cl.AskActionMessage(
        content=t("purge", language) + " ?",
        actions=[cl.Action(name="confirm", payload={"purge": True}, label=t("purge", language)),
                 cl.Action(name="cancel", payload={"purge": False}, label=t("no", language))],
        timeout=TIMEOUT_S,
    ).send()  # fmt: skip
    if not choice or not choice.get("payload", {}).get("purge"):
        await cl.Message(content=t("cancelled", language)).send()
        return
    desk, me = officer(c, who)
    report = await asyncio.to_thread(desk.purge, me, False)
    await cl.Message(content=t("purged", language, purged=report.purged)).send()


async def costs(c: Container, who: Identity, language: str) -> None:
    from assistant.finops.report import build_report, plot
    from audit.views import AuditFilters

    desk, me = officer(c, who)
    views = await asyncio.to_thread(desk.records, me, AuditFilters(operation="ask"), "report.costs")
    cost = c.settings.costs
    report = build_report((v.header or {} for v in views), cost.currency, cost.daily_budget)
    chart = Path(tempfile.mkdtemp(prefix="costs-")) / "costs.png"
    written = await asyncio.to_thread(plot, report, chart)
    total = report.total
    text = t("cost_total", language, questions=total.questions, cost=total.cost, currency=report.currency)
    elements = [cl.Image(name="costs", path=str(written), display="inline")] if written else []
    await cl.Message(content=text, elements=elements).send()


async def quality(c: Container, who: Identity, language: str) -> None:
    """The latest ``assistant eval run`` report of ``<data dir>/eval/report``: its gate verdict and the page."""
    from assistant.gate_settings import REPORT_DIR

    _, me = officer(c, who)  # a reviewer role, or refused
    folder = c.settings.data_dir / REPORT_DIR
    await asyncio.to_thread(c.audit.record_access, "eval.report", me.who, me.role, {"folder": REPORT_DIR})
    try:
        results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        results = None
    page = folder / "report.html"
    if not isinstance(results, dict) or not page.is_file():
        await cl.Message(content=t("quality_none", language, folder=REPORT_DIR)).send()
        return
    passed = bool((results.get("gate") or {}).get("passed"))
    text = t("quality_is", language, created=results.get("created", "?"), label=results.get("label") or "—",
             questions=(results.get("dataset") or {}).get("questions", "?"),
             verdict=t("passed" if passed else "failed", language))  # fmt: skip
    report = cl.File(name="rapport-evaluation.html", path=str(page), mime="text/html", display="inline")
    await cl.Message(content=text, elements=[report]).send()
