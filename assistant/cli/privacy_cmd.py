"""``assistant privacy``: data-subject access and erasure, for compliance officers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli.output import container, emit_json, out
from assistant.container import Container

if TYPE_CHECKING:
    from privacy.rights import SubjectRights

app = typer.Typer(help="Data-subject rights (GDPR art. 15 and 17).", no_args_is_help=True)

SubjectArg = Annotated[str, typer.Argument(help="One value of the person: full name, email, phone, IBAN, NIR...")]
TypeOption = Annotated[str | None, typer.Option("--type", help="Entity type of the value (PERSON, EMAIL...).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


def _rights(c: Container) -> SubjectRights:
    from privacy.rights import SubjectRights

    return SubjectRights(c.privacy.vault, c.registry, c.index, lambda paths: c.ingestor.ingest(list(paths), force=True))


@app.command("export")
def export(subject: SubjectArg, entity_type: TypeOption = None, as_json: JsonOption = False) -> None:
    """Everything held about a person: vault entries, documents and chunks that mention them."""
    with container(as_json) as c:
        report = _rights(c).export(subject, entity_type)
    if as_json:
        emit_json(report)
        return
    out.print(f"{len(report['subject_tokens'])} pseudonym(s), {len(report['documents'])} document(s)")
    for doc in report["documents"]:
        out.print(f"- {doc['source']} ({len(doc['chunks'])} chunk(s))", soft_wrap=True, markup=False)


@app.command("forget")
def forget(subject: SubjectArg, entity_type: TypeOption = None, as_json: JsonOption = False) -> None:
    """Erase a person: crypto-shred their vault entries, re-index or delete what mentions them, keep a tombstone."""
    with container(as_json) as c:
        receipt = _rights(c).forget(subject, entity_type)
    if as_json:
        emit_json(receipt)
        return
    for key, value in receipt.items():
        out.print(f"{key}: {value}", soft_wrap=True, markup=False)
