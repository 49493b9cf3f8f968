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


class PersonalFileNameError(IngestionError):
    """A file's name (or a folder's, below the ingested root) carries personal data: it would be stored as the
    document's source. ``shown`` is the path with that data pseudonymized, to name the file by."""

    def __init__(self, shown: str) -> None:
        super().__init__(
            f"{shown}: the file or folder name holds personal data, and paths are stored as they are; rename it "
            "(an employee id, a case number) and ingest again"
        )
        self.shown = shown
