"""``assistant users``: who may sign in to the chat and call the API (each change is an audit record)."""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer

from assistant.cli.output import container, emit_json, out
from assistant.identity.model import Identity

app = typer.Typer(help="Users, passwords and API tokens of the server.", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
NameArg = Annotated[str, typer.Argument(help="Login (lower-case letters, digits, . _ @ -).")]
PasswordOption = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from standard input (first line); never an argument."),
]


def _operator() -> Identity:
    """Who makes the change: the OS account at this shell (recorded pseudonymized)."""
    return Identity(getpass.getuser(), "operator", via="cli", operator=True)


def _password(from_stdin: bool) -> str | None:
    if not from_stdin:
        return None
    line = sys.stdin.readline().rstrip("\r\n")
    return line


@app.command("add")
def add(
    name: NameArg,
    role: Annotated[str, typer.Option(help="Role (store, hq, hr, marketing, compliance...).")],
    store: Annotated[str | None, typer.Option(help="Store code, for store roles.")] = None,
    password_stdin: PasswordOption = False,
    as_json: JsonOption = False,
) -> None:
    """Add a user. Without a password they sign in through a trusted proxy only, or call the API with a token."""
    password = _password(password_stdin)
    with container(as_json) as c:
        user = c.users.add(name, role, store, password, actor=_operator())
    if as_json:
        emit_json(user.as_json())
    else:
        out.print(f"user {user.name} added (role {user.role}{f', store {user.store}' if user.store else ''})")


@app.command("list")
def list_users(as_json: JsonOption = False) -> None:
    """Users with their role, store and whether they are enabled (never a password or token)."""
    with container(as_json) as c:
        users = c.users.users()
    if as_json:
        emit_json({"users": [u.as_json() for u in users]})
        return
    for u in users:
        state = "enabled " if u.enabled else "DISABLED"
        out.print(f"{state} {u.name:<24} {u.role:<12} {u.store or '-'}", soft_wrap=True, markup=False)
    out.print(f"{len(users)} user(s)")


@app.command("disable")
def disable(name: NameArg, as_json: JsonOption = False) -> None:
    """Disable a user: their tokens are revoked and their chat stops at their next message."""
    with container(as_json) as c:
        revoked = c.users.disable(name, actor=_operator())
    if as_json:
        emit_json({"user": name, "enabled": False, "tokens_revoked": revoked})
    else:
        out.print(f"user {name} disabled; {revoked} token(s) revoked")


@app.command("enable")
def enable(name: NameArg, as_json: JsonOption = False) -> None:
    """Enable a disabled user again (their old tokens stay revoked)."""
    with container(as_json) as c:
        c.users.enable(name, actor=_operator())
    if as_json:
        emit_json({"user": name, "enabled": True})
    else:
        out.print(f"user {name} enabled")


@app.command("password")
def password(name: NameArg, as_json: JsonOption = False) -> None:
    """Set a user's password, read from standard input (first line)."""
    secret = _password(True) or ""
    with container(as_json) as c:
        c.users.set_password(name, secret, actor=_operator())
    if as_json:
        emit_json({"user": name, "password": True})
    else:
        out.print(f"password of {name} set")


@app.command("token")
def token(
    name: NameArg,
    expires_days: Annotated[
        int | None, typer.Option("--expires-days", min=0, help="Lifetime in days (0: never; default from settings).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Issue an API token for a user. It is printed once: only its hash is kept."""
    with container(as_json) as c:
        secret, record = c.users.issue_token(name, expires_days, actor=_operator())
    if as_json:
        emit_json({"user": name, "token": secret, "token_id": record.token_id, "expires_at": record.expires_at})
    else:
        out.print(secret, markup=False, soft_wrap=True)
        expiry = f"expires {record.expires_at}" if record.expires_at else "never expires"
        print(f"token {record.token_id} for {name}, {expiry}: store it now, it is not shown again", file=sys.stderr)
