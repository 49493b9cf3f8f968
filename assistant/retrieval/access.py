"""Who may read what: a role maps to the audience tags it may see (configuration, not code)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistant.errors import UnknownRoleError


class AccessPolicy:
    def __init__(self, roles: Mapping[str, Sequence[str]]) -> None:
        self._roles = {role: frozenset(audiences) for role, audiences in roles.items()}

    @property
    def roles(self) -> list[str]:
        return sorted(self._roles)

    def audiences_for(self, role: str) -> frozenset[str]:
        """The audience tags ``role`` may read; raises UnknownRoleError (the role gets nothing)."""
        try:
            return self._roles[role]
        except KeyError:
            raise UnknownRoleError(role, list(self._roles)) from None
