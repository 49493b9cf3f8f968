"""Canonical JSON and the hash chain rule.

Canonical JSON (what every record header is stored as, byte for byte, and what its hash covers): UTF-8, object
keys sorted, no insignificant whitespace, non-ASCII characters written as themselves, integers in decimal, floats
in Python's shortest round-trip form (an integral float is written as an integer, as RFC 8785 does), NaN and
infinities refused, only ``dict``/``list``/``str``/``int``/``float``/``bool``/``None`` (tuples become lists).
The same value always gives the same bytes, so a header parsed and re-encoded gives back its stored bytes.

The chain: ``content_hash = SHA-256(header bytes)`` and ``entry_hash = SHA-256(prev_entry_hash || content_hash)``
over the raw 32-byte digests, with 32 zero bytes before the first record. Hashes are written as lowercase hex.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

GENESIS_HASH = "00" * 32
HASH_HEX_CHARS = 64


def _plain(value: Any, path: str) -> Any:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"canonical JSON has no NaN or infinity (at {path}); record a finite number or null")
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"canonical JSON object keys must be strings (got {type(key).__name__} at {path})")
            out[key] = _plain(item, f"{path}.{key}")
        return out
    if isinstance(value, list | tuple):
        return [_plain(item, f"{path}[{i}]") for i, item in enumerate(value)]
    raise TypeError(f"{type(value).__name__} at {path} is not JSON; convert it to str, number, list or dict first")


def canonical_json(value: Any) -> bytes:
    """The canonical bytes of ``value`` (see the module doc)."""
    return json.dumps(
        _plain(value, "$"), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def chain_hash(prev_entry_hash: str, content_hash: str) -> str:
    """``SHA-256(prev || content)`` over the raw digests given as hex."""
    prev, content = bytes.fromhex(prev_entry_hash), bytes.fromhex(content_hash)
    if len(prev) != 32 or len(content) != 32:
        raise ValueError("chain hashes are 32-byte SHA-256 digests written as 64 hex characters")
    return hashlib.sha256(prev + content).hexdigest()
