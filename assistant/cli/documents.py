"""``assistant documents``: what is indexed."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli.output import container, emit_json, out

app = typer.Typer(help="Inspect the indexed documents.", no_args_is_help=True)


@app.command("list")
def list_documents(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """List indexed documents with their audience, language and chunk count."""
    with container(as_json) as c:
        records = c.registry.all()
    if as_json:
        emit_json(
            {
                "documents": [
                    {
                        "source": r.source,
                        "doc_id": r.doc_id,
                        "title": r.title,
                        "audience": list(r.audience),
                        "language": r.language,
                        "chunks": r.chunk_count,
                        "content_hash": r.content_hash,
                        "ingested_at": r.ingested_at,
                    }
                    for r in records
                ]
            }
        )
        return
    for r in records:
        out.print(f"{r.chunk_count:>4} chunks  {','.join(r.audience):<16} {r.language}  {r.source}", soft_wrap=True)
    out.print(f"{len(records)} documents, {sum(r.chunk_count for r in records)} chunks")
