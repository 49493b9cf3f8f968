"""Errors of the privacy package. Messages name the bad setting or file and the fix, never a personal-data value."""

from __future__ import annotations

from assistant.core.errors import AssistantError, BackendError, ConfigurationError, SetupError


class PrivacyError(AssistantError):
    """Base class of every error raised by :mod:`privacy`."""


class KeyConfigurationError(ConfigurationError, PrivacyError):
    """A pseudonymization or vault key setting is malformed (wrong encoding, too short)."""


class PatternConfigurationError(ConfigurationError, PrivacyError):
    """A configurable regular expression (loyalty card, employee id) does not compile."""


class LanguageNotSupportedError(ConfigurationError, PrivacyError):
    """The detector was asked for a language it was not built for."""


class ModelMissingError(SetupError, PrivacyError):
    """A spaCy model named in the settings is not installed; nothing is downloaded at run time."""


class SecretsPermissionError(SetupError, PrivacyError):
    """A key file or the secrets folder is readable by other users, or cannot be created."""


class VaultError(BackendError, PrivacyError):
    """The vault file cannot be read or decrypted (wrong key, corrupt file)."""
