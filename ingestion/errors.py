"""Ingestion errors: one per bad file; the batch goes on."""

from __future__ import annotations

from assistant.core.errors import AssistantError


class IngestionError(AssistantError):
    """A file could not be ingested. The message names the file problem and the fix."""

    exit_code = 1


class UnsupportedFormatError(IngestionError):
    pass


class DocumentReadError(IngestionError):
    """The file is empty, too large, corrupt, badly encoded or has no text."""
