"""Turn the bytes of a text file into str, with a clear error when that is not possible."""

from __future__ import annotations

from ingestion.errors import DocumentReadError


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (common for French office files).

    Raises DocumentReadError for binary content or bytes valid in neither encoding.
    """
    if b"\x00" in data[:4096]:
        raise DocumentReadError(
            f"{name}: contains NUL bytes, so it is binary, not text; give it the extension of its real format"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise DocumentReadError(
                f"{name}: not valid UTF-8 (byte {utf8_error.start}) nor Windows-1252; re-save the file as UTF-8"
            ) from None
