"""``assistant draft copy``: marketing product copy grounded on the product sheet and the brand guidelines."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, cast

import typer

from assistant.cli.output import container, emit_json, out, remote

app = typer.Typer(help="Drafts generated from the documents (marketing copy).", no_args_is_help=True)

ChannelOption = Enum("ChannelOption", {c: c for c in ("web", "newsletter", "social")}, type=str)  # type: ignore[misc]


@app.command("copy")
def copy(
    product: Annotated[str, typer.Option("--product", help="Product reference as printed on its sheet (MC-COC-24).")],
    channel: Annotated[ChannelOption, typer.Option(help="Where the copy goes: web, newsletter or social.")],
    language: Annotated[str, typer.Option(help="Language of the copy (ISO 639-1: fr, en, es, de, it).")] = "fr",
    tone: Annotated[str, typer.Option(help="Tone wanted, e.g. 'chaleureux'; default from the use case.")] = "",
    role: Annotated[
        str, typer.Option(help="Role whose documents are used (the sheet must be readable).")
    ] = "marketing",
    user: Annotated[
        str | None,
        typer.Option(help="Login or employee id of the author; the audit log records a keyed pseudonym of it."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Write sales copy for one product from its sheet only: every number, material or claim is checked against
    the sheet; a copy that invents one is regenerated once, then refused with the reasons. Each draft is audited
    (operation "draft"); --json returns its audit_seq."""
    from assistant.answering.copywriter import Channel, CopyRequest, draft_from_json
    from assistant.core.errors import ConfigurationError
    from assistant.recording import Asker

    with remote(as_json, role, None, user) as server:
        if server is not None:
            body = {"product": product.strip(), "channel": channel.value, "language": language, "tone": tone.strip()}
            draft = draft_from_json(server.call("POST", "/v1/drafts", body))
    if server is None:
        with container(as_json) as c:
            languages = c.settings.ingestion.languages
            if language not in languages:
                raise ConfigurationError(f"--language {language!r}: use one of {', '.join(languages)}")
            request = CopyRequest(product.strip(), cast(Channel, channel.value), language, tone.strip())
            draft = c.drafts.draft(request, Asker(role, user))
    if as_json:
        emit_json(draft.as_json())
        return
    if draft.refused:
        out.print(f"[bold yellow]refused:[/] the copy stated what the sources do not: {', '.join(draft.issues)}")
    else:
        out.print(draft.text, markup=False, soft_wrap=True)
    for i, source in enumerate(draft.sources, 1):
        out.print(f"[dim][{i}] {source.title} — {Path(source.source).name}[/]", soft_wrap=True)
    out.print(
        f"[dim]{draft.model} · {draft.prompt_version} · {draft.attempts} attempt(s) · audit #{draft.audit_seq}[/]"
    )
