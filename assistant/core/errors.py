"""Base exceptions. Each package raises subclasses whose messages name the bad value and the fix.

Exit codes used by the CLI (documented in the README):
0 success · 1 some inputs failed (the rest was processed) · 2 bad usage or configuration ·
3 set-up missing (model not built, ...) · 4 a backing service failed.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class for every error the product reports to a user."""

    exit_code = 4


class ConfigurationError(AssistantError):
    """A setting or a command-line value is invalid; the message says which and how to fix it."""

    exit_code = 2


class UnknownRoleError(ConfigurationError):
    """The asker's role is not configured, so they are given nothing."""

    def __init__(self, role: str, known: list[str]) -> None:
        super().__init__(
            f"unknown role {role!r}: known roles are {', '.join(sorted(known))}. "
            "Use one of them (--role) or declare it in ASSISTANT_ACCESS_ROLES."
        )
        self.role = role


class InvalidInputError(AssistantError):
    """A question or document is unusable as given (too long, empty...); the message says why and what to do."""

    exit_code = 2


class SetupError(AssistantError):
    """Something the set-up command should have produced is missing."""

    exit_code = 3


class BackendError(AssistantError):
    """A backing store or model failed while serving a request."""

    exit_code = 4
