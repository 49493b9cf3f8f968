"""``assistant search`` and ``assistant ask``."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.output import container, emit_json, out
from assistant.index.ports import SEARCH_MODES

SearchModeOption = Enum("SearchModeOption", {m: m for m in SEARCH_MODES}, type=str)  # type: ignore[misc]

RoleOption = Annotated[
    str | None,
    typer.Option(help="Role of the asker (store, hq, hr, marketing, compliance...); default from config."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
StoreOption = Annotated[
    str | None, typer.Option(help="Store code of the asker; store roles then also see that store's documents.")
]


def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    role: RoleOption = None,
    top_k: Annotated[int, typer.Option("--top-k", min=1, max=100, help="Number of chunks to return.")] = 5,
    store: StoreOption = None,
    mode: Annotated[
        SearchModeOption | None, typer.Option(help="dense, sparse (BM25) or hybrid; default from config.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Hybrid (dense + BM25) search over the chunks the role may read."""
    with container(as_json) as c:
        role = role or c.settings.access.default_role
        hits = c.searcher.search(query, role, top_k, store=store, mode=mode.value if mode else None)
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
    user: Annotated[str | None, typer.Option(help="Pseudonymous id of the asker (recorded by the audit log).")] = None,
    store: StoreOption = None,
    as_json: JsonOption = False,
) -> None:
    """Answer a question from the documents, with citations, or refuse when they do not say."""
    with container(as_json) as c:
        answer = c.answerer.ask(question, role or c.settings.access.default_role, store=store)
    if as_json:
        emit_json(answer.as_json())
        return
    out.print(answer.answer, markup=False, soft_wrap=True)
    for i, cit in enumerate(answer.citations, 1):
        out.print(f"[dim][{i}] {cit.title} — {Path(cit.source).name}[/]", soft_wrap=True)
    if answer.notice:
        out.print(f"[italic dim]{answer.notice}[/]", soft_wrap=True)
