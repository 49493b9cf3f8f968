"""``assistant privacy``: data-subject access and erasure, for compliance officers."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from assistant.cli.output import container, emit_json, out, remote
from assistant.compliance import ComplianceDesk, Officer
from assistant.container import Container

app = typer.Typer(help="Data-subject rights (GDPR art. 15 and 17).", no_args_is_help=True)

SubjectArg = Annotated[str, typer.Argument(help="One value of the person: full name, email, phone, IBAN, NIR...")]
TypeOption = Annotated[
    str | None,
    typer.Option("--type", help="Entity type of the value (PERSON, EMAIL...); USER = a staff login (their questions)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


def _desk(c: Container) -> tuple[ComplianceDesk, Officer]:
    """The desk, and who handles the request (recorded): the OS account, pseudonymized, as a compliance officer."""
    desk = ComplianceDesk(c)
    return desk, desk.officer(getpass.getuser())


@app.command("export")
def export(subject: SubjectArg, entity_type: TypeOption = None, as_json: JsonOption = False) -> None:
    """Everything held about a person: vault entries, documents and chunks that mention them."""
    with remote(as_json, None) as server:
        if server is not None:
            report = server.call("POST", "/v1/privacy/export", {"subject": subject, "type": entity_type})
    if server is None:
        with container(as_json) as c:
            desk, officer = _desk(c)
            report = desk.export_subject(officer, subject, entity_type)
    if as_json:
        emit_json(report)
        return
    out.print(f"{len(report['subject_tokens'])} pseudonym(s), {len(report['documents'])} document(s)")
    for doc in report["documents"]:
        out.print(f"- {doc['source']} ({len(doc['chunks'])} chunk(s))", soft_wrap=True, markup=False)


@app.command("forget")
def forget(subject: SubjectArg, entity_type: TypeOption = None, as_json: JsonOption = False) -> None:
    """Erase a person: crypto-shred their vault entries, re-index or delete what mentions them, keep a tombstone."""
    with remote(as_json, None) as server:
        if server is not None:
            receipt = server.call("POST", "/v1/privacy/forget", {"subject": subject, "type": entity_type})
    if server is None:
        with container(as_json) as c:
            desk, officer = _desk(c)
            receipt = desk.forget_subject(officer, subject, entity_type)
    if as_json:
        emit_json(receipt)
        return
    for key, value in receipt.items():
        out.print(f"{key}: {value}", soft_wrap=True, markup=False)
