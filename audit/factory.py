"""Build the audit log from settings: the store adapter picked by name, the keys, the checkpoint signer.

Keys (never in the data dir): ``audit.encryption_key`` / ``audit.signing_key`` when set, else files generated
once in ``audit.secrets_dir`` (default ``privacy.secrets_dir``): ``audit.key`` (the KEK) and
``audit-signing.key`` (the Ed25519 seed), mode 0600, through :mod:`privacy.keys`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from audit.checkpoint import NoteSigner
from audit.crypto import AuditKeys
from audit.errors import AuditConfigurationError
from audit.log import AuditLog, Clock, utc_now
from audit.ports import AuditStore
from audit.settings import AuditSettings
from privacy.errors import KeyConfigurationError
from privacy.keys import Secret, load_or_create_key, parse_key

KEK_FILE = "audit.key"
SIGNING_KEY_FILE = "audit-signing.key"


def open_store(settings: AuditSettings, data_dir: Path) -> AuditStore:
    """The adapter named by ``settings.backend``."""
    if settings.backend == "postgres":
        if settings.postgres_dsn is None:
            raise AuditConfigurationError(
                "audit.backend is postgres but no DSN is set: set ASSISTANT_AUDIT_POSTGRES_DSN "
                "(e.g. 'host=db.internal dbname=audit user=assistant password=...') or use backend sqlite"
            )
        from audit.postgres_store import PostgresAuditStore

        return PostgresAuditStore(settings.postgres_dsn.get_secret_value(), settings.busy_timeout_s)
    from audit.sqlite_store import SqliteAuditStore

    path = settings.sqlite_path or data_dir / "audit.sqlite3"
    return SqliteAuditStore(path.expanduser(), settings.busy_timeout_s)


def _parse(value: SecretStr, setting: str) -> Secret:
    try:
        return parse_key(value, setting)
    except KeyConfigurationError:
        raise AuditConfigurationError(
            f"audit.{setting} (ASSISTANT_AUDIT_{setting.upper()}) must be 32 bytes written as hex or base64 (its "
            'value is not shown); generate one with: python -c "import secrets, base64; '
            'print(base64.b64encode(secrets.token_bytes(32)).decode())"'
        ) from None


def audit_kek(settings: AuditSettings, secrets_dir: Path) -> Secret:
    if settings.encryption_key is not None:
        return _parse(settings.encryption_key, "encryption_key")
    return load_or_create_key(settings.secrets_dir or secrets_dir, KEK_FILE)


def audit_signer(settings: AuditSettings, secrets_dir: Path) -> NoteSigner:
    configured = settings.signing_key
    if configured is not None and configured.get_secret_value().strip().startswith("PRIVATE+KEY+"):
        return NoteSigner.parse(configured.get_secret_value())
    seed = (
        _parse(configured, "signing_key")
        if configured is not None
        else load_or_create_key(settings.secrets_dir or secrets_dir, SIGNING_KEY_FILE)
    )
    if len(seed.reveal()) != 32:
        raise AuditConfigurationError("audit.signing_key must be a 32-byte Ed25519 seed (hex or base64)")
    return NoteSigner(settings.origin, seed.reveal())


def build_audit_log(settings: AuditSettings, data_dir: Path, secrets_dir: Path, clock: Clock = utc_now) -> AuditLog:
    """The audit log as configured; ``secrets_dir`` is the fallback key folder (``privacy.secrets_dir``)."""
    keys = AuditKeys(audit_kek(settings, secrets_dir))
    signer = audit_signer(settings, secrets_dir)
    return AuditLog(open_store(settings, data_dir), keys, signer, clock, settings)
