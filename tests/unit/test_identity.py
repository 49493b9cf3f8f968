"""Users, passwords and API tokens (real SQLite store, real argon2id)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.errors import ConfigurationError, InvalidInputError
from assistant.identity.model import AuthenticationError, Identity
from assistant.identity.service import UserService, token_hash
from assistant.identity.store import SqlUserStore

pytestmark = pytest.mark.unit
ROLES = ("store", "hr", "compliance")
PASSWORD = "correct horse battery staple"


@pytest.fixture
def recorded() -> list[tuple[str, str | None, dict[str, object]]]:
    return []


@pytest.fixture
def users(tmp_path: Path, recorded: list[tuple[str, str | None, dict[str, object]]]) -> UserService:
    def record(operation: str, actor: Identity | None, details: dict[str, object]) -> None:
        recorded.append((operation, actor.name if actor else None, details))

    return UserService(SqlUserStore.sqlite(tmp_path / "users.sqlite3"), ROLES, record)


def test_a_user_signs_in_with_their_password_and_gets_their_role_and_store(users: UserService) -> None:
    users.add("Marie.Dupont", "store", "LYON-01", PASSWORD)
    who = users.by_password("marie.dupont", PASSWORD)
    assert (who.name, who.role, who.store, who.via) == ("marie.dupont", "store", "lyon-01", "chat")


@pytest.mark.parametrize(
    ("name", "password"),
    [
        pytest.param("marie", "wrong password, long enough", id="wrong-password"),
        pytest.param("nobody", PASSWORD, id="unknown-user"),
        pytest.param("tokens.only", PASSWORD, id="user-without-password"),
        pytest.param("bad name!", PASSWORD, id="invalid-name"),
    ],
)
def test_every_failed_sign_in_is_the_same_error(users: UserService, name: str, password: str) -> None:
    users.add("marie", "store", None, PASSWORD)
    users.add("tokens.only", "store")
    with pytest.raises(AuthenticationError, match="wrong user name or password"):
        users.by_password(name, password)


def test_a_disabled_user_can_neither_sign_in_nor_use_a_token(users: UserService) -> None:
    users.add("marie", "store", None, PASSWORD)
    token, _ = users.issue_token("marie")
    assert users.by_token(token).name == "marie"
    assert users.disable("marie") == 1
    with pytest.raises(AuthenticationError):
        users.by_password("marie", PASSWORD)
    with pytest.raises(AuthenticationError, match="revoked"):
        users.by_token(token)
    users.enable("marie")
    with pytest.raises(AuthenticationError, match="revoked"):  # enabling again does not revive old tokens
        users.by_token(token)


def test_tokens_are_stored_hashed_and_expire(users: UserService, tmp_path: Path) -> None:
    users.add("api.pos", "store")
    token, record = users.issue_token("api.pos", days=0)
    assert record.expires_at is None and token.startswith("ra_")
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("users.sqlite3*"))  # the file and its write-ahead log
    assert token.encode() not in raw and token_hash(token).encode() in raw
    store = SqlUserStore.sqlite(tmp_path / "users.sqlite3")
    store._run("UPDATE user_tokens SET expires_at = ?", ("2000-01-01T00:00:00Z",))
    with pytest.raises(AuthenticationError, match="expired"):
        users.by_token(token)
    with pytest.raises(AuthenticationError):
        users.by_token("ra_deadbeef_not-a-token")


@pytest.mark.parametrize(
    ("name", "role", "password", "error", "match"),
    [
        pytest.param("x", "store", None, InvalidInputError, "not valid", id="name-too-short"),
        pytest.param("marie", "stagiaire", None, ConfigurationError, "unknown role 'stagiaire'", id="unknown-role"),
        pytest.param("marie", "store", "short", InvalidInputError, "at least 12", id="password-too-short"),
    ],
)
def test_bad_users_are_refused_with_the_fix(
    users: UserService, name: str, role: str, password: str | None, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        users.add(name, role, None, password)
    assert users.users() == []


def test_a_name_is_added_once(users: UserService) -> None:
    users.add("marie", "store")
    with pytest.raises(ConfigurationError, match="already exists"):
        users.add("MARIE", "hr")


def test_every_change_is_recorded_with_its_actor(
    users: UserService, recorded: list[tuple[str, str | None, dict[str, object]]]
) -> None:
    admin = Identity("root", "operator", via="cli", operator=True)
    users.add("marie", "store", "lyon-01", PASSWORD, actor=admin)
    users.issue_token("marie", 30, actor=admin)
    users.set_password("marie", "another long passphrase", actor=admin)
    users.disable("marie", actor=admin)
    assert [(op, actor) for op, actor, _ in recorded] == [
        ("users.add", "root"), ("users.token", "root"), ("users.password", "root"), ("users.disable", "root"),
    ]  # fmt: skip
    assert all(PASSWORD not in str(details) for _, _, details in recorded)


def test_disabling_calls_the_listeners(users: UserService) -> None:
    users.add("marie", "store")
    seen: list[str] = []
    users.on_disable.append(seen.append)
    users.disable("marie")
    assert seen == ["marie"]
