"""Marketing: a copy studio on the drafting service, for the roles of ``server.draft_roles``. Type a product reference
or name: the product sheets that match are offered by reference; the draft comes with the sheet passages it rests on
(a click shows each), or with the reasons it was refused when it stated what the sheet does not; regenerate at will.
Channel, language and tone are chat settings. Nothing personal is shown: sources are pseudonymized and the output
guard runs on the copy."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any, cast

import chainlit as cl

from assistant.answering.copywriter import Channel, CopyDraft, CopyRequest
from assistant.container import Container
from assistant.core.errors import AssistantError
from assistant.identity.model import Identity
from assistant.recording import Asker

REFERENCE = re.compile(r"\b[A-Z0-9]{2,}(?:-[A-Z0-9]{2,}){1,4}\b")  # as printed on sheets: MC-COC-24, AC-JEA-SL01-BRU
_T = {
    "fr": {"pick": "Quelle référence ?", "none": "Aucune fiche produit lisible par votre rôle ne correspond à « {q} ».",
           "refused": "**Texte refusé** : il affirmait ce que la fiche ne dit pas ({issues}).", "again": "Régénérer",
           "sources": "Passages de la fiche", "intro": "**Studio marketing.** Tapez une référence ou un nom de "
           "produit ; canal, langue et ton : icône ⚙️ des paramètres."},
    "en": {"pick": "Which reference?", "none": "No product sheet your role may read matches “{q}”.",
           "refused": "**Copy refused**: it stated what the sheet does not ({issues}).", "again": "Regenerate",
           "sources": "Sheet passages", "intro": "**Marketing studio.** Type a product reference or name; channel, "
           "language and tone: the settings ⚙️ icon."},
}  # fmt: skip


def t(key: str, language: str, **values: object) -> str:
    return _T.get(language, _T["fr"])[key].format(**values)


def settings_widgets(c: Container, language: str) -> cl.ChatSettings:
    fr = language == "fr"
    return cl.ChatSettings(
        [
            cl.input_widget.Select(id="channel", label="Canal" if fr else "Channel", values=["web", "newsletter",
                                   "social"], initial_value="web"),
            cl.input_widget.Select(id="language", label="Langue du texte" if fr else "Language of the copy",
                                   values=list(c.settings.ingestion.languages), initial_value=language),
            cl.input_widget.TextInput(id="tone", label="Ton (facultatif)" if fr else "Tone (optional)"),
        ]
    )  # fmt: skip


def references(c: Container, query: str, who: Identity) -> list[tuple[str, str]]:
    """(reference, sheet title) pairs of the readable documents that match ``query`` by reference or by name."""
    hits = c.searcher.search(query, who.role, 8, store=who.store)
    found: dict[str, str] = {}
    typed = {m.upper() for m in REFERENCE.findall(query.upper())}
    for hit in hits:
        for reference in REFERENCE.findall(hit.chunk.text):
            if not typed or reference in typed:
                found.setdefault(reference, hit.chunk.title)
    return list(found.items())[:12]


async def handle(c: Container, who: Identity, query: str, language: str) -> None:
    options = await asyncio.to_thread(references, c, query.strip(), who)
    if not options:
        await cl.Message(content=t("none", language, q=query.strip())).send()
        return
    if len(options) == 1:
        await draft(c, who, options[0][0], language)
        return
    actions = [cl.Action(name="studio_draft", payload={"reference": ref}, label=f"{ref} — {title}"[:80])
               for ref, title in options]  # fmt: skip
    await cl.Message(content=t("pick", language), actions=actions).send()


async def draft(c: Container, who: Identity, reference: str, language: str) -> None:
    chosen: dict[str, Any] = cl.user_session.get("chat_settings") or {}
    request = CopyRequest(reference, cast(Channel, chosen.get("channel") or "web"),
                          str(chosen.get("language") or language), str(chosen.get("tone") or "").strip())  # fmt: skip
    asker = Asker(who.role, who.name, who.store, via="chat")
    try:
        result: CopyDraft = await asyncio.to_thread(c.drafts.draft, request, asker)
    except AssistantError as exc:
        await cl.Message(content=f"⚠️ {exc}").send()
        return
    body = t("refused", language, issues=", ".join(result.issues)) if result.refused else result.text
    number = int(cl.user_session.get("drafts_shown") or 0) + 1
    cl.user_session.set("drafts_shown", number)
    marks: dict[tuple[str, str], list[str]] = {}  # one line per sheet, with the marks of its passages
    for i, s in enumerate(result.sources, 1):
        marks.setdefault((s.title, Path(s.source).name), []).append(f"[{number}.{i}]")
    lines = [f"{title} — `{name}` {' '.join(found)}" for (title, name), found in marks.items()]
    content = f"{body}\n\n**{t('sources', language)}**\n" + "\n".join(f"- {line}" for line in lines)
    again = [cl.Action(name="studio_draft", payload={"reference": reference}, label=t("again", language))]
    elements = await asyncio.to_thread(_passages, c, result, who, number)
    await cl.Message(content=content, elements=elements, actions=again).send()


def _passages(c: Container, result: CopyDraft, who: Identity, number: int) -> list[cl.Text]:
    """The sheet passages of the draft, pseudonymized and guarded as the role may see them."""
    wanted = {chunk for chunk, _ in result.source_chunks}
    texts = {ch.chunk_id: ch for doc in dict.fromkeys(d for _, d in result.source_chunks) for ch in c.index.chunks(doc)
             if ch.chunk_id in wanted}  # fmt: skip
    reveal = c.recorder.reveal
    elements = []
    for i, source in enumerate(result.sources, 1):
        chunk = texts.get(source.chunk_id)
        passage = chunk.text if chunk is not None else ""
        if reveal is not None and passage and chunk is not None:
            passage = reveal(passage, who.role, chunk.language)
        elements.append(cl.Text(name=f"[{number}.{i}]", content=f"**{source.title}**\n\n{passage}", display="side"))
    return elements
