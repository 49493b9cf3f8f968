"""Users, tokens and the identity an authenticated request carries.

Role, store and user come from the identity only, never from a request field: they drive the retrieval filter, the
re-identification rights and the pseudonymous user id of the audit record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Protocol

from assistant.core.errors import AssistantError, ConfigurationError

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
Channel = Literal["api", "chat", "operator", "cli"]


class AuthenticationError(AssistantError):
    """No valid identity (unknown or disabled user, wrong password, unknown, expired or revoked token): HTTP 401."""

    exit_code = 2


class UnknownUserError(ConfigurationError):
    """A users command named a user that does not exist."""

    def __init__(self, name: str) -> None:
        super().__init__(f"there is no user {name!r}: see 'assistant users list', or add it with 'assistant users add'")


@dataclass(frozen=True)
class Identity:
    """An authenticated caller. ``name`` is the login (pseudonymized before anything records it); ``via`` says which
    front door authenticated it; ``operator``: the data dir's owner acting through the local operator credential."""

    name: str
    role: str
    store: str | None = None
    via: Channel = "api"
    operator: bool = False


@dataclass(frozen=True)
class UserRecord:
    name: str
    role: str
    store: str | None
    enabled: bool
    created_at: str
    has_password: bool = False

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "role": self.role,
            "store": self.store,
            "enabled": self.enabled,
            "created_at": self.created_at,
            "password": self.has_password,
        }


@dataclass(frozen=True)
class TokenRecord:
    token_id: str  # public part of the token, for listing and revoking
    user: str
    created_at: str
    expires_at: str | None  # UTC ISO 8601; None: never
    revoked: bool = False


class UserStore(Protocol):
    """Where users and the hashes of their passwords and tokens live.

    Contract: ``add`` refuses an existing name (:class:`ConfigurationError`); ``user`` returns None for an unknown name;
    ``password_hash`` is None when the user has none; ``set_enabled`` and ``set_password`` return False for an unknown
    user; ``add_token`` stores a token's SHA-256 only; ``token`` finds a token by that hash (revoked ones included,
    with ``revoked`` set); ``revoke_tokens`` revokes every token of a user and returns how many were live.
    Safe to use from several threads and processes (SQLite WAL, PostgreSQL).
    """

    def add(self, name: str, role: str, store: str | None, password_hash: str | None) -> UserRecord: ...

    def user(self, name: str) -> UserRecord | None: ...

    def users(self) -> list[UserRecord]: ...

    def password_hash(self, name: str) -> str | None: ...

    def set_password(self, name: str, password_hash: str) -> bool: ...

    def set_enabled(self, name: str, enabled: bool) -> bool: ...

    def add_token(self, record: TokenRecord, token_hash: str) -> None: ...

    def token(self, token_hash: str) -> TokenRecord | None: ...

    def revoke_tokens(self, name: str) -> int: ...

    def close(self) -> None: ...
