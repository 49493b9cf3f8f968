"""Conformité: the compliance desk in the chat, for the roles of ``audit.reviewer_roles``. The audit trail as a
filterable table (filters in the chat settings), one record opened in full, the chain verified, a person's data
exported (a download) or erased after an explicit confirmation (with the receipt), retention and purge, the cost
report. Every action runs :class:`assistant.compliance.ComplianceDesk`, so each one is itself an audit record."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import chainlit as cl

from assistant.compliance import ComplianceDesk, Officer, moment
from assistant.container import Container
from assistant.identity.model import Identity

_T = {
    "fr": {
        "intro": "**Bureau conformité.** Filtres du journal : icône ⚙️ des paramètres. Chaque action est elle-même "
        "enregistrée dans le journal d'audit.",
        "journal": "Journal d'audit", "verify": "Vérifier la chaîne", "export": "Export d'une personne",
        "forget": "Effacement d'une personne", "retention": "Rétention et purge", "costs": "Coûts",
        "open": "Ouvrir", "none": "Aucun enregistrement ne correspond aux filtres.",
        "ok": "✅ Chaîne intègre : {size} enregistrements, {checkpoints} point(s) de contrôle signés vérifiés.",
        "bad": "❌ Chaîne altérée à l'enregistrement {seq} : {reason}",
        "who": "Valeur de la personne (nom complet, e-mail, téléphone, IBAN…) :",
        "confirm": "Effacer définitivement **{n} pseudonyme(s)** et leurs mentions ({docs} document(s)) ? "
        "Cette action est irréversible.",
        "yes": "Effacer définitivement", "no": "Annuler", "cancelled": "Effacement annulé : rien n'a été modifié.",
        "receipt": "Reçu d'effacement", "nothing": "Aucune donnée trouvée pour cette valeur.",
        "purge": "Purger maintenant", "retention_is": "{purged} enregistrement(s) antérieurs au {cutoff} à purger "
        "(rétention {days} jours).", "purged": "{purged} enregistrement(s) purgé(s) (squelettes de hachage conservés).",
        "cost_total": "{questions} questions, {cost:.4f} {currency}.", "quality": "Qualité des réponses",
        "quality_none": "Aucun rapport d'évaluation : `assistant eval run` l'écrit dans `<data dir>/{folder}`.",
        "quality_is": "Dernière évaluation du {created} ({label}, {questions} questions) : contrôle qualité "
        "**{verdict}**.", "passed": "réussi", "failed": "échoué",
    },
    "en": {
        "intro": "**Compliance desk.** Journal filters: the settings ⚙️ icon. Every action is itself recorded in the "
        "audit trail.",
        "journal": "Audit trail", "verify": "Verify the chain", "export": "Export a person",
        "forget": "Erase a person", "retention": "Retention and purge", "costs": "Costs",
        "open": "Open", "none": "No record matches the filters.",
        "ok": "✅ Chain intact: {size} records, {checkpoints} signed checkpoint(s) verified.",
        "bad": "❌ Chain altered at record {seq}: {reason}",
        "who": "Value of the person (full name, e-mail, phone, IBAN…):",
        "confirm": "Erase **{n} pseudonym(s)** and their mentions ({docs} document(s)) for good? This cannot be "
        "undone.",
        "yes": "Erase for good", "no": "Cancel", "cancelled": "Erasure cancelled: nothing was changed.",
        "receipt": "Erasure receipt", "nothing": "No data found for this value.",
        "purge": "Purge now", "retention_is": "{purged} record(s) older than {cutoff} to purge (retention {days} "
        "days).", "purged": "{purged} record(s) purged (hash skeletons kept).",
        "cost_total": "{questions} questions, {cost:.4f} {currency}.", "quality": "Answer quality",
        "quality_none": "No evaluation report: `assistant eval run` writes it to `<data dir>/{folder}`.",
        "quality_is": "Latest evaluation, {created} ({label}, {questions} questions): quality gate **{verdict}**.",
        "passed": "passed", "failed": "failed",
    },
}  # fmt: skip
ACTIONS = ("journal", "verify", "export", "forget", "retention", "costs", "quality")


def t(key: str, language: str, **values: object) -> str:
    return _T.get(language, _T["fr"])[key].format(**values)


def officer(c: Container, who: Identity) -> tuple[ComplianceDesk, Officer]:
    desk = ComplianceDesk(c)
    return desk, desk.officer(who.name, who.role)


def menu(language: str) -> list[cl.Action]:
    return [cl.Action(name=f"desk_{key}", payload={}, label=t(key, language)) for key in ACTIONS]


def settings_widgets(language: str) -> cl.ChatSettings:
    fr = language == "fr"
    return cl.ChatSettings(
        [
            cl.input_widget.TextInput(id="since", label="Depuis (AAAA-MM-JJ)" if fr else "Since (YYYY-MM-DD)"),
            cl.input_widget.TextInput(id="until", label="Avant (AAAA-MM-JJ)" if fr else "Before (YYYY-MM-DD)"),
            cl.input_widget.TextInput(id="user", label="Utilisateur (identifiant)" if fr else "User (login)"),
            cl.input_widget.Select(id="role", label="Rôle" if fr else "Role", initial_value="",
                                   values=["", "store", "hq", "hr", "marketing", "compliance"]),
            cl.input_widget.Select(id="operation", label="Opération" if fr else "Operation", initial_value="",
                                   values=["", "ask", "feedback", "draft", "ingest", "search"]),
            cl.input_widget.Select(id="refused", label="Refusées" if fr else "Refused", initial_value="",
                                   values=["", "oui", "non"] if fr else ["", "yes", "no"]),
            cl.input_widget.TextInput(id="document", label="Document (doc_id)"),
        ]
    )  # fmt: skip


def _filters(desk: ComplianceDesk, chosen: dict[str, Any]) -> Any:
    from audit.views import AuditFilters

    refused = {"oui": True, "yes": True, "non": False, "no": False}.get(str(chosen.get("refused") or ""))
    return AuditFilters(
        since=moment(chosen.get("since") or None, "since"),
        until=moment(chosen.get("until") or None, "until"),
        user=desk.asker_id(chosen.get("user") or None),
        role=chosen.get("role") or None,
        refused=refused,
        document=chosen.get("document") or None,
        operation=chosen.get("operation") or None,
        limit=50,
    )


async def journal(c: Container, who: Identity, language: str) -> None:
    desk, me = officer(c, who)
    chosen = cl.user_session.get("chat_settings") or {}
    views = await asyncio.to_thread(lambda: list(reversed(desk.records(me, _filters(desk, chosen)))))
    if not views:
        await cl.Message(content=t("none", language)).send()
        return
    rows = ["| # | date | opération | rôle | cas d'usage | refus | note |", "|---|---|---|---|---|---|---|"]
    for v in views:
        h = v.header or {}
        cells = (v.seq, str(h.get("ts", ""))[:19], h.get("operation", ""), h.get("role") or "", h.get("use_case") or "",
                 "oui" if h.get("refused") else "", h.get("rating") or "")  # fmt: skip
        rows.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    opens = [cl.Action(name="desk_open", payload={"seq": v.seq}, label=f"{t('open', language)} #{v.seq}")
             for v in views[:10]]  # fmt: skip
    await cl.Message(content="\n".join(rows), actions=opens).send()


async def open_record(c: Container, who: Identity, seq: int, language: str) -> None:
    desk, me = officer(c, who)
    view = await asyncio.to_thread(desk.record, me, seq)
    payload = view.payload or {}
    reveal = c.recorder.reveal
    shown = {k: reveal(v, who.role, language) if reveal and isinstance(v, str) else v for k, v in payload.items()}
    feedback = await asyncio.to_thread(lambda: [
        f.as_json() for f in desk.records(me, _feedback()) if (f.header or {}).get("ref_seq") == seq
    ])  # fmt: skip
    body = {"seq": view.seq, "state": view.state, "header": view.header, "payload": shown, "feedback": feedback}
    await cl.Message(content=f"```json\n{json.dumps(body, ensure_ascii=False, indent=2)}\n```").send()


def _feedback() -> Any:
    from audit.views import AuditFilters

    return AuditFilters(operation="feedback")


async def verify(c: Container, who: Identity, language: str) -> None:
    desk, me = officer(c, who)
    report = await asyncio.to_thread(desk.verify, me)
    message = t("ok", language, size=report.size, checkpoints=report.checkpoints_checked) if report.ok else t(
        "bad", language, seq=report.first_bad_seq, reason=report.reason)  # fmt: skip
    await cl.Message(content=message).send()
