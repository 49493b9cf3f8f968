"""Normalization of a value before it is keyed: the same person or number always gives the same token.

- PERSON: Unicode NFKC, accents **removed** (admin documents write ``ELODIE`` for ``Élodie``), case-folded,
  apostrophes/hyphens unified, spaces collapsed, and a leading surname in capitals moved to the end
  (``BENALI Karim`` -> ``karim benali``), so ``Sophie Marchand``, ``SOPHIE MARCHAND`` and ``sophie marchand``
  are one subject.
- EMAIL: trimmed, lower-cased.
- PHONE: E.164 (``06 12 34 56 78`` and ``+33 6 12 34 56 78`` -> ``+33612345678``; national numbers are read
  as French).
- IBAN, NIR, CREDIT_CARD, SIREN, SIRET, LICENCE_PLATE, LOYALTY_CARD, EMPLOYEE_ID, NATIONAL_ID, COMPANY_ID,
  IDENTIFIER: spaces, dots, slashes and dashes
  removed, upper-cased.
- ADDRESS and anything else: accents removed, case-folded, punctuation dropped, spaces collapsed.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

from privacy.entities import (
    COMPANY_ID,
    CREDIT_CARD,
    EMAIL,
    EMPLOYEE_ID,
    IBAN,
    IDENTIFIER,
    LICENCE_PLATE,
    LOYALTY_CARD,
    NATIONAL_ID,
    NIR,
    PERSON,
    PHONE,
    SIREN,
    SIRET,
)
from privacy.recognizers.checksums import compact

_COMPACT_TYPES = frozenset(
    {IBAN, NIR, CREDIT_CARD, SIREN, SIRET, LICENCE_PLATE, LOYALTY_CARD, EMPLOYEE_ID, NATIONAL_ID, COMPANY_ID}
    | {IDENTIFIER}
)
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]")
DEFAULT_PHONE_REGION = "FR"


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def normalize_person(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).replace("’", "'").replace("‐", "-")
    words = _SPACES.sub(" ", text).strip().split(" ")
    upper = 0
    while upper < len(words) and words[upper].isupper() and len(words[upper]) > 1:
        upper += 1
    if 0 < upper < len(words):  # "BENALI Karim" -> "Karim BENALI"
        words = words[upper:] + words[:upper]
    return strip_accents(" ".join(words)).casefold()


def normalize_phone(value: str) -> str:
    text = value.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, DEFAULT_PHONE_REGION)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        return "+" + "".join(c for c in text if c.isdigit()) if text.startswith("+") else compact(text)


def normalize(entity_type: str, value: str) -> str:
    """The canonical form of ``value`` for ``entity_type`` (see the module doc)."""
    if entity_type == PERSON:
        return normalize_person(value)
    if entity_type == EMAIL:
        return value.strip().lower()
    if entity_type == PHONE:
        return normalize_phone(value)
    if entity_type in _COMPACT_TYPES:
        return compact(value)
    return _SPACES.sub(" ", _PUNCT.sub(" ", strip_accents(value).casefold())).strip()
