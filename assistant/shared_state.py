"""The adapters of the state an ingestion leaves beside the index, picked by name from the settings: the privacy vault
(``privacy.vault_backend``) and the document registry (``ingestion.registry_backend``). ``sqlite``: files under the
data dir, one host. ``postgres``: the database of ``audit.postgres_dsn`` (beside the audit trail and the users), so
the replicas of the application share them. Part of the composition root (:mod:`assistant.container`,
:func:`assistant.ingest_workers.privacy_boundary`); psycopg is imported only when a postgres adapter is opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ingestion.postgres_registry import PostgresDocumentRegistry
from ingestion.registry import SqliteDocumentRegistry

if TYPE_CHECKING:
    from assistant.settings import Settings
    from privacy.postgres_vault import PostgresVault
    from privacy.vault import SqliteVault

#: The registry adapters (both have ``close``, which the port leaves out).
Registry = SqliteDocumentRegistry | PostgresDocumentRegistry


def open_vault(settings: Settings) -> SqliteVault | PostgresVault:
    """The configured vault. A PostgreSQL vault refuses to open while the SQLite vault of the data dir holds rows
    it has not taken (see :mod:`privacy.vault_migration`)."""
    if settings.privacy.vault_backend == "postgres":
        from privacy.postgres_vault import PostgresVault
        from privacy.vault_migration import refuse_unmigrated

        vault = PostgresVault.from_settings(settings.privacy, settings.shared_dsn())
        try:
            refuse_unmigrated(settings.privacy, settings.data_dir, vault)
        except BaseException:
            vault.close()
            raise
        return vault
    from privacy.vault import SqliteVault

    return SqliteVault.from_settings(settings.privacy, settings.data_dir)


def open_registry(settings: Settings) -> Registry:
    if settings.ingestion.registry_backend == "postgres":
        return PostgresDocumentRegistry(settings.shared_dsn())
    return SqliteDocumentRegistry(settings.registry_path)
