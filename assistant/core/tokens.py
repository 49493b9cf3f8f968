"""The pseudonym token format, shared by everything that stores, searches, checks or reveals pseudonymized text.

A token is ``<TYPE_hex>``: the entity type, then the first :data:`TOKEN_HEX_CHARS` hex characters of a keyed MAC of
the value (written by :mod:`privacy.pseudonymizer`). A value whose subject was forgotten is written
``<TYPE_REDACTED>`` (:data:`REDACTED`) instead, which links to nobody.
"""

from __future__ import annotations

import re

TOKEN_HEX_CHARS = 16
TOKEN_PATTERN = re.compile(rf"<([A-Z][A-Z_]*)_([0-9a-f]{{{TOKEN_HEX_CHARS}}})>")
REDACTED = "<{}_REDACTED>"  # .format(entity_type)


def tokens_in(text: str) -> set[str]:
    """The pseudonym tokens written in ``text`` (``<PERSON_…>``), as written."""
    return {m.group(0) for m in TOKEN_PATTERN.finditer(text)}
