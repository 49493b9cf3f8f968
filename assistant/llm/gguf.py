"""Reading one metadata value out of a GGUF file's header (the model's architecture), without loading the model.

Format (GGUF v2/v3, little-endian): ``GGUF``, version (u32), tensor count (u64), metadata count (u64), then each
metadata entry as key (u64 length + UTF-8), value type (u32) and value. Only the header is read.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

from assistant.core.errors import SetupError

_SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
_STRING, _ARRAY = 8, 9
_MAX_ENTRIES = 10_000


def _read(handle: BinaryIO, fmt: str) -> tuple[object, ...]:
    size = struct.calcsize("<" + fmt)
    data = handle.read(size)
    if len(data) != size:
        raise ValueError("truncated header")
    return struct.unpack("<" + fmt, data)


def _string(handle: BinaryIO) -> str:
    (length,) = _read(handle, "Q")
    assert isinstance(length, int)
    if length > 1 << 24:
        raise ValueError("implausible string length")
    return handle.read(length).decode("utf-8", "replace")


def _skip(handle: BinaryIO, kind: int) -> None:
    if kind in _SCALARS:
        _read(handle, _SCALARS[kind])
    elif kind == _STRING:
        _string(handle)
    elif kind == _ARRAY:
        item, count = _read(handle, "IQ")
        assert isinstance(item, int) and isinstance(count, int)
        if item in _SCALARS:
            handle.seek(struct.calcsize("<" + _SCALARS[item]) * count, 1)
        else:
            for _ in range(count):
                _skip(handle, item)
    else:
        raise ValueError(f"unknown value type {kind}")


def metadata_string(path: Path, key: str) -> str:
    """The string value of ``key`` in the GGUF header of ``path``; :class:`SetupError` when absent or unreadable."""
    try:
        with path.open("rb") as handle:
            if handle.read(4) != b"GGUF":
                raise ValueError("not a GGUF file")
            _version, _tensors, entries = _read(handle, "IQQ")
            assert isinstance(entries, int)
            for _ in range(min(entries, _MAX_ENTRIES)):
                name = _string(handle)
                (kind,) = _read(handle, "I")
                assert isinstance(kind, int)
                if name == key and kind == _STRING:
                    return _string(handle)
                _skip(handle, kind)
    except (OSError, ValueError) as exc:
        raise SetupError(f"cannot read the GGUF header of {path} ({exc}): is it a GGUF model file?") from exc
    raise SetupError(f"{path} has no {key!r} in its GGUF header")


def architecture(path: Path) -> str:
    """``general.architecture`` (llama, qwen2, bert...): the prefix of the model's other metadata keys."""
    return metadata_string(path, "general.architecture")
