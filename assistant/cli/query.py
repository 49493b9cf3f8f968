"""``assistant search`` and ``assistant ask``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.output import container, emit_json, out

RoleOption = Annotated[
    str | None,
    typer.Option(help="Role of the asker (store, hq, hr, marketing, compliance...); default from config."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    role: RoleOption = None,
    top_k: Annotated[int, typer.Option("--top-k", min=1, max=100, help="Number of chunks to return.")] = 5,
    as_json: JsonOption = False,
) -> None:
    """Semantic search over the chunks the role may read."""
    with container(as_json) as c:
        hits = c.searcher.search(query, role or c.settings.access.default_role, top_k)
    if as_json:
        emit_json({"hits": [h.as_json() for h in hits]})
        return
    if not hits:
        out.print("no results")
    for i, h in enumerate(hits, 1):
        where = " — ".join(p for p in (h.chunk.title, h.chunk.section) if p)
        out.print(f"[bold]{i}. {h.score:.3f}[/] {where} [dim]({h.chunk.source})[/]", soft_wrap=True)
        out.print(f"   {h.chunk.text[:300]}", soft_wrap=True, markup=False)


def ask(
    question: Annotated[str, typer.Argument(help="The question, in any supported language.")],
    role: RoleOption = None,
    user: Annotated[
        str | None, typer.Option(help="Pseudonymous id of the asker, recorded with the query for audit.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Answer a question from the documents, with citations, or refuse when they do not say."""
    with container(as_json) as c:
        answer = c.answerer.ask(question, role or c.settings.access.default_role)
    if as_json:
        emit_json(answer.as_json())
        return
    out.print(answer.answer, markup=False, soft_wrap=True)
    for i, cit in enumerate(answer.citations, 1):
        out.print(f"[dim][{i}] {cit.title} — {Path(cit.source).name}[/]", soft_wrap=True)
    if answer.notice:
        out.print(f"[italic dim]{answer.notice}[/]", soft_wrap=True)
