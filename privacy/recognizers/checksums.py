"""Check digits used by the recognizers: Luhn, ISO 7064 mod 97-10 (IBAN), the French NIR key."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.\-]")

#: 2A and 2B (Corsica) are replaced by these numbers to compute the NIR key.
NIR_CORSICA = {"2A": "19", "2B": "18"}
LA_POSTE_SIREN = "356000000"


def compact(value: str) -> str:
    """Remove spaces, dots and dashes and upper-case: the form every check works on."""
    return _SEPARATORS.sub("", value).upper()


def luhn_ok(digits: str) -> bool:
    """True when ``digits`` (only digits) passes the Luhn check."""
    if not digits.isdigit():
        return False
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def siret_ok(digits: str) -> bool:
    """SIRET (14 digits) or SIREN (9): Luhn, except La Poste's establishments (digit sum multiple of 5)."""
    if len(digits) not in (9, 14) or not digits.isdigit():
        return False
    if len(digits) == 14 and digits.startswith(LA_POSTE_SIREN):
        return luhn_ok(digits) or sum(int(c) for c in digits) % 5 == 0
    return luhn_ok(digits)


def iban_ok(iban: str) -> bool:
    """ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 == 1."""
    if len(iban) < 15 or not iban.isalnum() or not iban[:2].isalpha() or not iban[2:4].isdigit():
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)
    return int(number) % 97 == 1


def nir_key(first13: str) -> int:
    """The NIR key of the first 13 characters: 97 - (number mod 97), with 2A -> 19 and 2B -> 18."""
    dept = first13[5:7]
    digits = first13[:5] + NIR_CORSICA.get(dept, dept) + first13[7:]
    return 97 - int(digits) % 97


def nir_ok(value: str) -> bool:
    """A 15-character NIR: sex 1-4/7/8, month 01-12 or 20-42/50-99 (unknown), valid key."""
    if len(value) != 15 or not value[13:].isdigit():
        return False
    head = value[:13]
    if not (head[:5] + head[7:]).isdigit() or not (head[5:7].isdigit() or head[5:7] in NIR_CORSICA):
        return False
    if head[0] not in "123478":
        return False
    month = int(head[3:5])
    if month == 0 or 12 < month < 20 or 42 < month < 50:
        return False
    return nir_key(head) == int(value[13:])
