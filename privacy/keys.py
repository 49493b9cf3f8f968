"""Key material: a redacting wrapper, parsing keys from settings, generating key files in the secrets dir.

Generated keys are 32 random bytes (``secrets.token_bytes``) written base64 to ``<secrets_dir>/<name>`` with
mode 0600, in a folder with mode 0700, never in the data dir. An existing key file readable by others is
refused (the message says the ``chmod`` to run).
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import stat
from pathlib import Path

from pydantic import SecretStr

from privacy.errors import KeyConfigurationError, SecretsPermissionError

KEY_BYTES = 32


class Secret:
    """Bytes that never show in ``repr``/``str`` (logs, tracebacks, error messages)."""

    __slots__ = ("_value",)

    def __init__(self, value: bytes) -> None:
        self._value = value

    def reveal(self) -> bytes:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and secrets.compare_digest(self._value, other._value)

    def __hash__(self) -> int:
        return hash(("Secret", len(self._value)))

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret cannot be pickled or serialized")


def parse_key(value: SecretStr, setting: str, min_bytes: int = KEY_BYTES) -> Secret:
    """Decode a key given as hex or base64 (standard or URL-safe); at least ``min_bytes`` bytes."""
    text = value.get_secret_value().strip()
    raw: bytes | None = None
    if len(text) % 2 == 0 and all(c in "0123456789abcdefABCDEF" for c in text):
        raw = bytes.fromhex(text)
    else:
        try:
            raw = base64.b64decode(
                text + "=" * (-len(text) % 4), altchars=b"-_" if "-" in text or "_" in text else None, validate=True
            )
        except (binascii.Error, ValueError):
            raw = None
    if raw is None or len(raw) < min_bytes:
        raise KeyConfigurationError(
            f"privacy.{setting} (ASSISTANT_PRIVACY_{setting.upper()}) must be at least {min_bytes} bytes encoded as "
            f"hex or base64 (its value is not shown); generate one with: "
            f'python -c "import secrets, base64; print(base64.b64encode(secrets.token_bytes({min_bytes})).decode())"'
        )
    return Secret(raw)


def _check_private(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise SecretsPermissionError(
            f"{path} is readable by other users (mode {mode:o}): run chmod {'700' if path.is_dir() else '600'} {path}"
        )


def load_or_create_key(secrets_dir: Path, name: str) -> Secret:
    """Read ``secrets_dir/name`` (base64), creating it once with fresh random bytes if missing."""
    path = secrets_dir.expanduser() / name
    try:
        secrets_dir.expanduser().mkdir(mode=0o700, parents=True, exist_ok=True)
        _check_private(path.parent)
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode() + "\n")
        _check_private(path)
        return parse_key(SecretStr(path.read_text().strip()), name)
    except OSError as exc:
        raise SecretsPermissionError(
            f"cannot create or read the key file {path} ({exc.strerror}): make privacy.secrets_dir "
            "(ASSISTANT_PRIVACY_SECRETS_DIR) a folder this user owns, outside the data dir"
        ) from None


def resolve_key(configured: SecretStr | None, secrets_dir: Path, file_name: str, setting: str) -> Secret:
    """The key from the setting when set, else the generated file."""
    if configured is not None:
        return parse_key(configured, setting)
    return load_or_create_key(secrets_dir, file_name)
