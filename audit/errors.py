"""Errors of the audit package. Messages name the setting, file or record and the fix, never personal data."""

from __future__ import annotations

from assistant.core.errors import AssistantError, BackendError, ConfigurationError, SetupError


class AuditError(AssistantError):
    """Base class of every error raised by :mod:`audit`."""


class AuditConfigurationError(ConfigurationError, AuditError):
    """An audit setting is missing or malformed (DSN, keys, origin), or a reviewer role is not allowed."""


class AuditSetupError(SetupError, AuditError):
    """Something the audit log needs is not there (the psycopg driver, a readable key file)."""


class AuditStoreError(BackendError, AuditError):
    """The audit store failed (locked too long, unreachable server, corrupt file)."""


class CheckpointError(AuditError):
    """A signed checkpoint or a signed-note key cannot be parsed, or its signature does not verify."""

    exit_code = 1
