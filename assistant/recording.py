"""What every front door (questions, marketing drafts) records with, and who is asking.

A front door writes exactly one audit record per request with pseudonymized texts, then applies the privacy boundary
on the way out. :class:`Recorder` holds what they share: the audit log, the access policy (the filter applied is
recorded), the cost model, and the privacy functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.answering.revealing import Reveal
from assistant.finops.settings import CostSettings
from assistant.retrieval.access import AccessPolicy
from audit.log import AuditLog

Protect = Callable[[str], str]  # raw text -> pseudonymized text


@dataclass(frozen=True)
class Asker:
    """Who asks: the role decides what they may read; ``user`` (a login or employee id) is pseudonymized before
    it is recorded; ``store`` scopes store roles; ``via`` names the front door that authenticated them (api, chat,
    operator; None for the CLI), recorded with the request."""

    role: str
    user: str | None = None
    store: str | None = None
    via: str | None = None

    def front_door(self) -> dict[str, str]:
        """The ``via`` field of an audit record's header (nothing for the CLI, as before there was a server)."""
        return {"via": self.via} if self.via else {}


@dataclass(frozen=True)
class Recorder:
    """``user_token``: a login -> its keyed pseudonym (erasable); ``protect``: free text -> pseudonymized (None when
    privacy is off); ``reveal``: the privacy boundary on the way out (re-identification for authorised roles, output
    guard for everyone; None when privacy is off)."""

    audit: AuditLog
    access: AccessPolicy
    costs: CostSettings
    user_token: Protect
    protect: Protect | None = None
    reveal: Reveal | None = None

    def user(self, asker: Asker) -> str | None:
        return self.user_token(asker.user) if asker.user else None

    def acl(self, asker: Asker) -> dict[str, Any]:
        """The access filter of ``asker``, as recorded (raises UnknownRoleError for a role not configured)."""
        f = self.access.filter_for(asker.role, asker.store)
        return {
            "audiences": sorted(f.audiences),
            "max_confidentiality": f.max_confidentiality,
            "stores": sorted(f.stores) if f.stores is not None else None,
        }

    def acl_if_known(self, asker: Asker) -> dict[str, Any]:
        """:meth:`acl`, or nothing for a role not configured (a failure record is still written)."""
        try:
            return self.acl(asker)
        except Exception:
            return {}

    def protected(self, text: str) -> str | None:
        """``text`` pseudonymized for a record; None when that failed (the record must still be written, and without
        a safe text it holds none)."""
        if self.protect is None:
            return text
        try:
            return self.protect(text)
        except Exception:
            return None
