"""Who may read what: a role maps to audience tags, a clearance level and (for store roles) a store scope."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from assistant.domain import CONFIDENTIALITY_LEVELS
from assistant.errors import UnknownRoleError
from assistant.index.ports import AccessFilter

DEFAULT_CLEARANCE = "internal"


class AccessPolicy:
    def __init__(
        self,
        roles: Mapping[str, Sequence[str]],
        clearance: Mapping[str, str] | None = None,
        store_scoped_roles: Collection[str] = (),
    ) -> None:
        self._roles = {role: frozenset(audiences) for role, audiences in roles.items()}
        self._clearance = dict(clearance or {})
        self._store_scoped = frozenset(store_scoped_roles)

    @property
    def roles(self) -> list[str]:
        return sorted(self._roles)

    def audiences_for(self, role: str) -> frozenset[str]:
        """The audience tags ``role`` may read; raises UnknownRoleError (the role gets nothing)."""
        try:
            return self._roles[role]
        except KeyError:
            raise UnknownRoleError(role, list(self._roles)) from None

    def filter_for(self, role: str, store: str | None = None) -> AccessFilter:
        """The filter applied inside every vector query made for this asker."""
        audiences = self.audiences_for(role)
        level = CONFIDENTIALITY_LEVELS[self._clearance.get(role, DEFAULT_CLEARANCE)]
        stores = (frozenset({store}) if store else frozenset()) if role in self._store_scoped else None
        return AccessFilter(audiences=audiences, max_confidentiality=level, stores=stores)
