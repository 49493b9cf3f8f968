"""Check digits used by the recognizers: Luhn, ISO 7064 mod 97-10 (IBAN), the French NIR key, GTIN barcodes, the
Spanish DNI/NIE and CIF, the Italian codice fiscale, the Belgian national number, the Swiss AVS number."""

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


def gtin_ok(digits: str) -> bool:
    """GTIN-8/12/13/14 (EAN and UPC barcodes): weights 3, 1, 3... from the right of the body."""
    if len(digits) not in (8, 12, 13, 14) or not digits.isdigit():
        return False
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits[:-1])))
    return (10 - total % 10) % 10 == int(digits[-1])


_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def dni_ok(value: str) -> bool:
    """Spanish DNI/NIF (8 digits + letter) or NIE (X/Y/Z + 7 digits + letter): the letter is number mod 23."""
    if len(value) != 9 or not value[-1].isalpha():
        return False
    head = str("XYZ".index(value[0])) + value[1:8] if value[0] in "XYZ" else value[:8]
    return head.isdigit() and _DNI_LETTERS[int(head) % 23] == value[-1]


def cif_ok(value: str) -> bool:
    """Spanish CIF: organisation letter, 7 digits, control digit or letter (``JABCDEFGHI``)."""
    if len(value) != 9 or value[0] not in "ABCDEFGHJNPQRSUVW" or not value[1:8].isdigit():
        return False
    digits = [int(c) for c in value[1:8]]
    total = sum(digits[1::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[0::2])
    control = (10 - total % 10) % 10
    return value[-1] in (str(control), "JABCDEFGHI"[control])


_CF_ODD = dict(
    zip(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16,
         10, 22, 25, 24, 23),
        strict=True,
    )
)  # fmt: skip


def codice_fiscale_ok(value: str) -> bool:
    """Italian codice fiscale (16 characters): the last letter checks the first 15 (odd/even tables, mod 26)."""
    if len(value) != 16 or not value.isalnum():
        return False
    total = 0
    for i, char in enumerate(value[:15]):
        if i % 2 == 0:
            total += _CF_ODD[char]
        else:
            total += int(char) if char.isdigit() else ord(char) - ord("A")
    return chr(ord("A") + total % 26) == value[15]


def belgian_nn_ok(digits: str) -> bool:
    """Belgian national register number (11 digits): 97 - (first 9 mod 97), a 2 in front for births from 2000."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    key = int(digits[9:])
    return key in (97 - int(digits[:9]) % 97, 97 - int("2" + digits[:9]) % 97)


def avs_ok(digits: str) -> bool:
    """Swiss AVS/AHV number: 756 + 10 digits, the last an EAN-13 check digit."""
    return len(digits) == 13 and digits.startswith("756") and gtin_ok(digits)
