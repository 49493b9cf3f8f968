"""Users and their credentials: add, list, disable, passwords (argon2id) and API tokens (random, shown once, stored
hashed, with an expiry). Every change is an audit record, made by the actor given (who is logged, pseudonymized).

Authentication never says which part was wrong (unknown user, wrong password, disabled): every failure is the same
:class:`AuthenticationError`, and an unknown user costs a password hash too.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Collection
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from assistant.core.errors import ConfigurationError, InvalidInputError
from assistant.identity.model import (
    NAME_PATTERN,
    AuthenticationError,
    Channel,
    Identity,
    TokenRecord,
    UnknownUserError,
    UserRecord,
    UserStore,
)
from assistant.identity.store import now

TOKEN_PREFIX = "ra_"
Record = Callable[[str, Identity | None, dict[str, object]], None]  # (operation, actor, details) -> audit record
Listener = Callable[[str], None]  # called with a user name when that user is disabled


class UserService:
    def __init__(
        self,
        store: UserStore,
        roles: Collection[str],
        record: Record,
        *,
        min_password_chars: int = 12,
        token_days: int = 90,
    ) -> None:
        self._store = store
        self._roles = roles
        self._record = record
        self._min_password = min_password_chars
        self._token_days = token_days
        self._hasher = PasswordHasher()  # argon2id, the library's (RFC 9106 low-memory) parameters
        self._dummy_hash = self._hasher.hash(secrets.token_hex(16))
        self.on_disable: list[Listener] = []

    # -- administration (each change recorded) ---------------------------------------------------------------
    def add(
        self, name: str, role: str, store: str | None = None, password: str | None = None, actor: Identity | None = None
    ) -> UserRecord:
        name = name.strip().lower()
        if not NAME_PATTERN.fullmatch(name):
            raise InvalidInputError(
                f"user name {name!r} is not valid: 2 to 64 characters, lower-case letters, digits and . _ @ -, "
                "starting with a letter or digit"
            )
        if role not in self._roles:
            raise ConfigurationError(
                f"unknown role {role!r}: use one of {', '.join(sorted(self._roles))} (ASSISTANT_ACCESS_ROLES)"
            )
        created = self._store.add(name, role, store.strip().lower() if store else None, self._hash(password))
        self._record("users.add", actor, {"user": name, "role": role, "store": created.store})
        return created

    def set_password(self, name: str, password: str, actor: Identity | None = None) -> None:
        if not self._store.set_password(name, self._hash(password) or ""):
            raise UnknownUserError(name)
        self._record("users.password", actor, {"user": name})

    def disable(self, name: str, actor: Identity | None = None) -> int:
        """Disable ``name`` and revoke their tokens (their requests fail at once); returns the tokens revoked."""
        if not self._store.set_enabled(name, False):
            raise UnknownUserError(name)
        revoked = self._store.revoke_tokens(name)
        self._record("users.disable", actor, {"user": name, "tokens_revoked": revoked})
        for listener in self.on_disable:
            listener(name)
        return revoked

    def enable(self, name: str, actor: Identity | None = None) -> None:
        if not self._store.set_enabled(name, True):
            raise UnknownUserError(name)
        self._record("users.enable", actor, {"user": name})

    def issue_token(self, name: str, days: int | None = None, actor: Identity | None = None) -> tuple[str, TokenRecord]:
        """A new API token for ``name`` (returned once; only its hash is stored) expiring in ``days`` (0: never)."""
        user = self._store.user(name)
        if user is None:
            raise UnknownUserError(name)
        if not user.enabled:
            raise ConfigurationError(f"user {name!r} is disabled: enable it first ('assistant users enable')")
        days = self._token_days if days is None else days
        token_id = secrets.token_hex(4)
        token = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
        expires = (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ") if days else None
        record = TokenRecord(token_id, name, now(), expires)
        self._store.add_token(record, token_hash(token))
        self._record("users.token", actor, {"user": name, "token_id": token_id, "expires_at": expires})
        return token, record

    def users(self) -> list[UserRecord]:
        return self._store.users()

    def close(self) -> None:
        self._store.close()

    # -- authentication ----------------------------------------------------------------------------------------
    def by_password(self, name: str, password: str) -> Identity:
        name = name.strip().lower()
        stored = self._store.password_hash(name) if NAME_PATTERN.fullmatch(name) else None
        try:
            self._hasher.verify(stored or self._dummy_hash, password)
        except (VerificationError, InvalidHashError):
            raise AuthenticationError("wrong user name or password") from None
        if stored is None:
            raise AuthenticationError("wrong user name or password")
        return self.identity(name, via="chat")

    def by_token(self, token: str) -> Identity:
        record = self._store.token(token_hash(token)) if token.startswith(TOKEN_PREFIX) else None
        if record is None or record.revoked:
            raise AuthenticationError("unknown or revoked token: ask an administrator for a new one")
        if record.expires_at is not None and record.expires_at <= now():
            raise AuthenticationError(f"token {record.token_id} expired on {record.expires_at}: ask for a new one")
        return self.identity(record.user, via="api")

    def identity(self, name: str, via: Channel = "api") -> Identity:
        """The identity of an enabled user (for a trusted proxy's header, or to re-check a chat session)."""
        user = self._store.user(name.strip().lower())
        if user is None or not user.enabled:
            raise AuthenticationError("unknown or disabled user")
        return Identity(user.name, user.role, user.store, via=via)

    def _hash(self, password: str | None) -> str | None:
        if password is None:
            return None
        if len(password) < self._min_password:
            raise InvalidInputError(
                f"the password is {len(password)} characters long: use at least {self._min_password} "
                "(ASSISTANT_SERVER_MIN_PASSWORD_CHARS), e.g. a passphrase of four words"
            )
        return self._hasher.hash(password)


def token_hash(token: str) -> str:
    """Tokens carry 256 random bits: a plain SHA-256 is enough to store them (no dictionary to try)."""
    return hashlib.sha256(token.encode()).hexdigest()
