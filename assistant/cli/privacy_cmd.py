"""``assistant privacy``: data-subject access and erasure, for compliance officers."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

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


@app.command("scan")
def scan(
    fix: Annotated[
        bool,
        typer.Option(
            "--fix",
            help="Re-ingest the affected documents whose files exist, then say what remains and how to erase it.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Storage self-check: detect personal data again in every stored text (chunks, titles, registry, decrypted
    audit payloads) and report what is left in clear, by type and document (exit code 1 if anything is). Run it
    after a recognizer update or after ingesting with privacy disabled."""
    from assistant.core.errors import ConfigurationError
    from assistant.core.text import detect_language
    from privacy.storage_scan import StorageScan

    with container(as_json) as c:
        if not c.settings.privacy.enabled:
            raise ConfigurationError(
                "privacy scan checks what the privacy boundary stored: set ASSISTANT_PRIVACY_ENABLED=true "
                "(the default) to run it"
            )
        _, officer = _desk(c)
        c.audit.record_access("privacy.scan", officer.who, officer.role, {"fix": fix})
        languages = c.settings.ingestion.languages
        checker = StorageScan(
            c.privacy.scan, c.registry, c.index, lambda: _audit_payloads(c), lambda t: detect_language(t, languages)
        )
        report = checker.run()
        if fix and report.residual:
            report = checker.fix(report, lambda paths: c.ingestor.ingest(list(paths), force=True))
    if as_json:
        emit_json(report.as_json())
    else:
        _print_scan(report.as_json())
    if report.residual:
        raise typer.Exit(1)


@app.command("rotate-key")
def rotate_key(
    new_key_file: Annotated[
        Path | None,
        typer.Option(
            "--new-key-file",
            help="File holding the new 32-byte key (base64 or hex). Required when ASSISTANT_PRIVACY_VAULT_KEY holds "
            "the key; otherwise a random key is generated into privacy.secrets_dir.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Rotate the vault's key-encryption key: every data key re-wrapped under the new key in one transaction (values
    and pseudonyms do not change). Restart every other process using the vault afterwards: until then its writes
    are refused and its reads fail, naming both key ids."""
    from assistant.shared_state import open_vault
    from privacy.key_rotation import read_key_file, rotate_vault_key

    with container(as_json) as c:
        new_kek = read_key_file(new_key_file) if new_key_file is not None else None
        _, officer = _desk(c)
        vault = open_vault(c.settings)
        try:
            rotation = rotate_vault_key(vault, c.settings.privacy, new_kek)
        finally:
            vault.close()
        report = rotation.as_json()
        c.audit.record_access(
            "privacy.rotate_key", officer.who, officer.role,
            {"rewrapped": rotation.rewrapped, "key_id": rotation.key_id, "previous_key_id": rotation.previous_key_id},
        )  # fmt: skip
    if as_json:
        emit_json(report)
        return
    out.print(f"{rotation.rewrapped} data key(s) re-wrapped: key id {rotation.previous_key_id} -> {rotation.key_id}")
    out.print(str(report["next"]), soft_wrap=True, markup=False)


@app.command("migrate-vault")
def migrate_vault(as_json: JsonOption = False) -> None:
    """Copy the single-host SQLite vault of the data dir into the PostgreSQL vault the replicas share
    (privacy.vault_backend=postgres): originals still encrypted, erasure tombstones carried over, in one transaction.
    Run it again to take what was added since; the PostgreSQL vault refuses to open until it has run."""
    from assistant.core.errors import ConfigurationError
    from privacy.postgres_vault import PostgresVault
    from privacy.vault import SqliteVault
    from privacy.vault_migration import source_name, sqlite_vault_path

    with container(as_json) as c:
        settings = c.settings
        path = sqlite_vault_path(settings.privacy, settings.data_dir)
        if settings.privacy.vault_backend != "postgres":
            raise ConfigurationError(
                "migrate-vault copies into the PostgreSQL vault: set ASSISTANT_PRIVACY_VAULT_BACKEND=postgres and "
                "ASSISTANT_AUDIT_POSTGRES_DSN first"
            )
        if not path.is_file():
            raise ConfigurationError(f"no SQLite vault at {path}: nothing to migrate (check ASSISTANT_DATA_DIR)")
        _, officer = _desk(c)
        source = SqliteVault.from_settings(settings.privacy, settings.data_dir)
        try:
            target = PostgresVault.from_settings(settings.privacy, settings.shared_dsn())
            try:
                counts = target.merge(source.rows(), source_name(path))
            finally:
                target.close()
        finally:
            source.close()
        c.audit.record_access("privacy.migrate_vault", officer.who, officer.role, dict(counts))
    report = {"source": str(path), **counts}
    if as_json:
        emit_json(report)
        return
    out.print(
        f"{counts['copied']} subject(s) copied, {counts['forgotten']} erasure(s) carried over, "
        f"{counts['present']} already there (from {path})",
        soft_wrap=True,
        markup=False,
    )


def _audit_payloads(c: Container) -> Iterator[tuple[int, dict[str, Any]]]:
    from audit.views import AuditFilters

    for view in c.audit.query(AuditFilters()):
        if view.state == "readable" and view.payload:
            yield view.seq, view.payload


def _print_scan(report: dict[str, Any]) -> None:
    out.print(f"{report['texts_scanned']} stored texts scanned, {report['residual']} personal value(s) in clear "
              f"{report['by_type'] or ''}", soft_wrap=True, markup=False)  # fmt: skip
    for source in report["fixed"]:
        out.print(f"re-ingested: {source}", soft_wrap=True, markup=False)
    for doc in report["documents"]:
        out.print(f"- {doc['source']}: {doc['by_type']} in {doc['by_place']}", soft_wrap=True, markup=False)
    for record in report["audit_records"]:
        out.print(f"- audit record {record['seq']}: {record['by_type']}", soft_wrap=True, markup=False)
    for line in report["remaining"]:
        out.print(f"  to do: {line}", soft_wrap=True, markup=False)
