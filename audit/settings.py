"""Settings of the audit trail (``ASSISTANT_AUDIT_*``), one group of :class:`assistant.settings.Settings`.

Read by :mod:`assistant.settings` only (this module never reads the environment).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr

DEFAULT_ORIGIN = "retail-assistant/audit"


class AuditSettings(BaseModel):
    backend: Literal["sqlite", "postgres"] = Field(
        "sqlite",
        description="Audit store adapter: sqlite (one file, one host; many processes may write) or postgres "
        "(several instances share one log; set ASSISTANT_AUDIT_POSTGRES_DSN).",
    )
    sqlite_path: Path | None = Field(None, description="SQLite file of the audit log. Unset: <data_dir>/audit.sqlite3.")
    postgres_dsn: SecretStr | None = Field(
        None,
        description="libpq connection string of the PostgreSQL audit database (never printed), e.g. "
        "'host=db.internal dbname=audit user=assistant password=...'. Required when backend is postgres.",
    )
    retention_days: int = Field(
        183,
        ge=1,
        le=366,
        description="Records older than this are purged by 'assistant audit purge' (a hash-only skeleton stays "
        "so the chain still verifies). 183 days is about 6 months; at most 366.",
    )
    checkpoint_every: int = Field(
        100,
        ge=0,
        description="Sign a checkpoint automatically every N appended records (0: only 'assistant audit checkpoint').",
    )
    origin: str = Field(
        DEFAULT_ORIGIN,
        min_length=1,
        pattern=r"^[^\s+]+$",
        description="Log identity written on the first line of every checkpoint, and the name of the signing key "
        "(no spaces, no '+').",
    )
    signing_key: SecretStr | None = Field(
        None,
        description="Ed25519 checkpoint signing key: a signed-note private key 'PRIVATE+KEY+name+hash+base64' or a "
        "32-byte seed (hex or base64). Unset: generated once as <secrets_dir>/audit-signing.key.",
    )
    encryption_key: SecretStr | None = Field(
        None,
        description="Key-encryption key (32 bytes, hex or base64) wrapping the per-subject keys of the encrypted "
        "personal payloads. Unset: generated once as <secrets_dir>/audit.key.",
    )
    secrets_dir: Path | None = Field(
        None,
        description="Folder of the generated audit keys (mode 0700, files 0600). Unset: privacy.secrets_dir.",
    )
    checkpoint_dir: Path | None = Field(
        None,
        description="Folder each signed checkpoint is also written to; point it at storage the log host cannot "
        "rewrite (another host, WORM bucket mount). Unset: checkpoints are kept in the store only.",
    )
    trusted_keys: list[str] = Field(
        default_factory=list,
        description="Signed-note verifier keys 'name+hash+base64' whose checkpoint signatures 'verify' accepts. "
        "Empty: the key derived from this host's signing key.",
    )
    reviewer_roles: list[str] = Field(
        default_factory=lambda: ["compliance"],
        description="Roles allowed to read the audit trail through 'assistant audit' (list, show, export, verify, "
        "purge, checkpoint). Each read is itself recorded.",
    )
    busy_timeout_s: float = Field(
        30.0, gt=0, description="How long a writer waits for the audit store's lock before failing (seconds)."
    )
