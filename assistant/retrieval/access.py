"""Who may read what: a role maps to audience tags, a clearance level and (for store roles) a store scope."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from assistant.core.domain import CONFIDENTIALITY_LEVELS, REGION_PREFIX
from assistant.core.errors import UnknownRoleError
from assistant.core.index import AccessFilter

DEFAULT_CLEARANCE = "internal"


class AccessPolicy:
    def __init__(
        self,
        roles: Mapping[str, Sequence[str]],
        clearance: Mapping[str, str] | None = None,
        store_scoped_roles: Collection[str] = (),
        store_regions: Mapping[str, str] | None = None,
    ) -> None:
        self._roles = {role: frozenset(audiences) for role, audiences in roles.items()}
        self._clearance = dict(clearance or {})
        self._store_scoped = frozenset(store_scoped_roles)
        self._regions = {_norm(store): _norm(region) for store, region in (store_regions or {}).items()}

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
        stores = self._places(store) if role in self._store_scoped else None
        return AccessFilter(audiences=audiences, max_confidentiality=level, stores=stores)

    def _places(self, store: str | None) -> frozenset[str]:
        """The store code and its region tag; documents tagged with either (or '*') are readable. Codes are
        compared case-insensitively, as document metadata is."""
        if not store or not store.strip():
            return frozenset()
        code = _norm(store)
        region = self._regions.get(code)
        return frozenset({code, f"{REGION_PREFIX}{region}"} if region else {code})


def _norm(value: str) -> str:
    return value.strip().lower()
