"""``assistant search`` and ``assistant ask``."""

from __future__ import annotations

import json
import sys
from collections.abc import Generator
from contextlib import closing
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from assistant.answering.ports import AnswerDone
from assistant.cli.output import container, emit_json, out, remote
from assistant.core.domain import Answer, answer_from_json, hit_from_json
from assistant.core.index import SEARCH_MODES
from assistant.core.text import detect_language
from assistant.service import Asker

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
    notice: str | None = None
    with remote(as_json, role, store) as server:
        if server is not None:
            body = {"query": query, "top_k": top_k, "mode": mode.value if mode else None}
            found = server.call("POST", "/v1/search", body)
            hits, notice = [hit_from_json(h) for h in found["hits"]], found.get("notice")
    if server is None:
        with container(as_json) as c:
            role = role or c.settings.access.default_role
            hits = c.searcher.search(query, role, top_k, store=store, mode=mode.value if mode else None)
            if not hits:  # nothing indexed, or nothing this role may read: say so, not just "no results"
                language = detect_language(query, c.settings.ingestion.languages)
                notice = c.searcher.nothing_to_read(role, store, language)
    if as_json:
        emit_json({"hits": [h.as_json() for h in hits], **({"notice": notice} if notice else {})})
        return
    if not hits:
        out.print(notice or "no results", markup=False, soft_wrap=True)
    for i, h in enumerate(hits, 1):
        where = " — ".join(p for p in (h.chunk.title, h.chunk.section) if p)
        out.print(f"[bold]{i}. {h.score:.3f}[/] {escape(where)} [dim]({escape(h.chunk.source)})[/]", soft_wrap=True)
        out.print(f"   {h.chunk.text[:300]}", soft_wrap=True, markup=False)


def ask(
    question: Annotated[str, typer.Argument(help="The question, in any supported language.")],
    role: RoleOption = None,
    user: Annotated[
        str | None,
        typer.Option(help="Login or employee id of the asker; the audit log records a keyed pseudonym of it."),
    ] = None,
    store: StoreOption = None,
    stream: Annotated[
        bool,
        typer.Option(
            "--stream",
            help="Print each sentence as soon as it is validated; with --json, one JSON object per line "
            '({"event": "delta", "text"} then {"event": "final", ...the answer}).',
        ),
    ] = False,
    follow_up_of: Annotated[
        int | None,
        typer.Option("--follow-up-of", min=1, help="audit_seq of your previous answer: this question follows it up."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Answer a question from the documents, with citations, or refuse when they do not say."""
    if stream:
        _ask_streaming(question, role, user, store, as_json, follow_up_of)
        return
    with remote(as_json, role, store, user) as server:
        if server is not None:
            answer_json = server.call("POST", "/v1/ask", {"question": question, "follow_up_of": follow_up_of})
    if server is not None:
        if as_json:
            emit_json(answer_json)
            return
        _print_answer(answer_from_json(answer_json), answer_json["answer"])
        return
    with container(as_json) as c:
        answer = c.service.ask(question, Asker(role or c.settings.access.default_role, user, store), follow_up_of)
    if as_json:
        emit_json(answer.as_json())
        return
    _print_answer(answer, answer.answer)


def _print_answer(answer: Answer, text: str | None) -> None:
    if answer.understood:
        out.print(f"[dim]Question comprise : {escape(answer.understood)}[/]", soft_wrap=True)
    if text is not None:
        out.print(text, markup=False, soft_wrap=True)
    for i, cit in enumerate(answer.citations, 1):
        out.print(f"[dim][{i}] {escape(cit.title)} — {escape(Path(cit.source).name)}[/]", soft_wrap=True)
    if answer.notice:
        out.print(f"[italic dim]{escape(answer.notice)}[/]", soft_wrap=True)


def _stream(
    question: str, role: str | None, user: str | None, store: str | None, as_json: bool, follow_up_of: int | None
) -> Generator[str | tuple[Answer, dict[str, Any]], None, None]:
    """Each validated sentence, then (the final answer, its JSON): from the running server, or answered here."""
    with remote(as_json, role, store, user, json_lines=True) as server:
        if server is not None:
            for name, data in server.stream("/v1/ask", {"question": question, "follow_up_of": follow_up_of}):
                yield (answer_from_json(data), data) if name == "final" else data["text"]
            return
    with container(as_json, json_lines=True) as c:
        asker = Asker(role or c.settings.access.default_role, user, store)
        # closed while the container (and its audit log) is open: a reader gone (Ctrl-C, `| head`) is recorded
        with closing(c.service.stream(question, asker, follow_up_of)) as events:
            for event in events:
                yield (event.answer, event.answer.as_json()) if isinstance(event, AnswerDone) else event.text


def _ask_streaming(
    question: str, role: str | None, user: str | None, store: str | None, as_json: bool, follow_up_of: int | None
) -> None:
    shown = ""
    final: Answer | None = None
    final_json: dict[str, Any] = {}
    with closing(_stream(question, role, user, store, as_json, follow_up_of)) as items:
        for item in items:
            if isinstance(item, tuple):
                final, final_json = item
            elif as_json:
                sys.stdout.write(json.dumps({"event": "delta", "text": item}, ensure_ascii=False) + "\n")
                sys.stdout.flush()
            else:
                sys.stdout.write(item)
                sys.stdout.flush()
                shown += item
    if final is None:  # pragma: no cover - every stream ends with its final event
        return
    if as_json:
        sys.stdout.write(json.dumps({"event": "final", **final_json}, ensure_ascii=False) + "\n")
        return
    if shown:
        sys.stdout.write("\n")
    if shown.strip() != final.answer.strip():  # refused at the end, or answered by the fallback: the final text wins
        if shown:
            out.print("[dim]— final answer —[/]")
        _print_answer(final, final.answer)
    else:
        _print_answer(final, None)


def feedback(
    seq: Annotated[int, typer.Argument(help="The audit_seq of the answer (printed by ask --json).", min=1)],
    rating: Annotated[int, typer.Option(help="-1 / +1 (thumbs) or 1..5 (stars).", min=-1, max=5)],
    comment: Annotated[str | None, typer.Option(help="Free text; pseudonymized before it is recorded.")] = None,
    role: RoleOption = None,
    user: Annotated[str | None, typer.Option(help="Login or employee id of the asker.")] = None,
    store: StoreOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rate an answer: appended to the audit trail, linked to the answer's record (nothing is rewritten)."""
    with container(as_json) as c:
        recorded = c.service.feedback(seq, rating, Asker(role or c.settings.access.default_role, user, store), comment)
    if as_json:
        emit_json({"feedback_seq": recorded, "answer_seq": seq})
    else:
        out.print(f"feedback recorded (#{recorded}) for answer #{seq}")
