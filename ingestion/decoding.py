"""Turn the bytes of a text file into str, with a clear error when that is not possible.

Encodings, in order: a byte-order mark (UTF-8, UTF-16, UTF-32: what Windows' "Unicode text" and Excel's "Unicode
text" exports write), UTF-16 without a mark (every other byte NUL in a text that is otherwise ASCII), UTF-8, then
Windows-1252 (a superset of latin-1's printable characters, common for French office files). Anything else with NUL
bytes is binary. Validation streams over the bytes: a large file is never held twice.
"""

from __future__ import annotations

import codecs
import io
from typing import TextIO

from ingestion.errors import DocumentReadError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAMPLE = 4096
_BLOCK = 1 << 20


def _utf16_without_mark(sample: bytes) -> str | None:
    """``utf-16-le``/``-be`` when nearly every odd (even) byte of the sample is NUL: ASCII-range text in UTF-16."""
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    if odd >= 0.9 * pairs and even < 0.1 * pairs:
        return "utf-16-le"
    if even >= 0.9 * pairs and odd < 0.1 * pairs:
        return "utf-16-be"
    return None


def _decodes(data: bytes, codec: str) -> int | None:
    """None when all of ``data`` decodes with ``codec``, else the offset of the first bad byte."""
    decoder = codecs.getincrementaldecoder(codec)()
    for start in range(0, len(data), _BLOCK):
        try:
            decoder.decode(data[start : start + _BLOCK], final=start + _BLOCK >= len(data))
        except UnicodeDecodeError as exc:
            return start + exc.start
    return None


def detect_encoding(data: bytes, name: str) -> str:
    """The codec that decodes all of ``data``; :class:`DocumentReadError` for binary content or bytes valid in none."""
    sample = data[:_SAMPLE]
    codec = next((c for bom, c in _BOMS if sample.startswith(bom)), None) or _utf16_without_mark(sample)
    if codec is None and b"\x00" in sample:
        raise DocumentReadError(
            f"{name}: contains NUL bytes, so it is binary, not text; give it the extension of its real format"
        )
    if codec is not None:
        if _decodes(data, codec) is not None:
            raise DocumentReadError(f"{name}: declares {codec.upper()} but is not valid {codec}; re-save it as UTF-8")
        return codec
    utf8_error = _decodes(data, "utf-8")
    if utf8_error is None:
        return "utf-8"
    if _decodes(data, "cp1252") is None:
        return "cp1252"
    raise DocumentReadError(f"{name}: not valid UTF-8 (byte {utf8_error}) nor Windows-1252; re-save the file as UTF-8")


def decode_text(data: bytes, name: str) -> str:
    """All of ``data`` as text (see the module doc for the encodings tried)."""
    return data.decode(detect_encoding(data, name))


def text_stream(data: bytes, name: str) -> TextIO:
    """``data`` as a text stream decoded on the fly (line endings kept as they are, as :mod:`csv` wants)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding=detect_encoding(data, name), newline="")
