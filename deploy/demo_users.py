"""Demo users for the two-command set-up: one per configured role, each with a random password written once to a file
only its owner can read (``<data dir>/demo-users.txt``, mode 0600). Users that exist already are left alone.
Prints the file's path, never a password."""

from __future__ import annotations

import os
import secrets
import sys

from assistant.container import Container
from assistant.identity.model import Identity
from assistant.settings import load_settings

STORE_CODE = "lyon-01"


def main() -> None:
    c = Container(load_settings())
    try:
        path = c.settings.data_dir / "demo-users.txt"
        existing = {u.name for u in c.users.users()}
        setup = Identity("deploy/setup.sh", "operator", via="cli", operator=True)
        lines = []
        for role in c.settings.access.roles:
            name = f"demo.{role}"
            if name in existing:
                continue
            password = "-".join(secrets.token_urlsafe(6) for _ in range(3))
            store = STORE_CODE if role in c.settings.access.store_scoped_roles else None
            c.users.add(name, role, store, password, actor=setup)
            lines.append(f"{name}\t{password}\trole={role}" + (f"\tstore={store}" if store else "") + "\n")
    finally:
        c.close()
    if lines:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a") as handle:
            handle.writelines(lines)
        os.chmod(path, 0o600)
    if path.is_file():
        print(f"demo users (name, password, role) are in {path} (readable by you only)")
    else:
        print("the demo users exist already (their passwords were written when they were created)", file=sys.stderr)


if __name__ == "__main__":
    main()
