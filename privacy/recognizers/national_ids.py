"""National identity numbers of the neighbouring countries (NATIONAL_ID; the French NIR has its own type) and
company ids (COMPANY_ID: VAT numbers with their country prefix, the Spanish CIF). Check digits where the format
has them; the shapes without (the UK National Insurance number, VAT numbers) are long and prefixed enough."""

from __future__ import annotations

from typing import ClassVar

from privacy.entities import COMPANY_ID, NATIONAL_ID
from privacy.recognizers.base import ConstantPatternRecognizer, Context
from privacy.recognizers.checksums import avs_ok, belgian_nn_ok, cif_ok, codice_fiscale_ok, compact, dni_ok

_END = r"(?![\w]|[.,]\d)"
_START = r"(?<![\w.,/-])"
_CF = "[0-9LMNPQRSTUV]"  # a digit of the codice fiscale, or the letter replacing it
ID_CONTEXT: Context = {
    "fr": ("identité", "registre", "national", "niss", "nn", "avs", "ahv", "sécurité", "sociale", "dni", "nie",
           "passeport", "pièce"),
    "en": ("national", "insurance", "nino", "identity", "id", "passport", "social", "security"),
    "de": ("ausweis", "personalausweis", "ahv", "sozialversicherungsnummer", "identität", "reisepass"),
    "es": ("dni", "nie", "nif", "documento", "identidad", "pasaporte"),
    "it": ("codice", "fiscale", "cf", "tessera", "sanitaria", "identità", "passaporto"),
}  # fmt: skip


class SpanishDniRecognizer(ConstantPatternRecognizer):
    """Spanish DNI/NIF (8 digits + letter) and NIE (X/Y/Z + 7 digits + letter): the letter is the number mod 23."""

    ENTITY = NATIONAL_ID
    PATTERNS = (
        ("DNI", rf"{_START}\d{{8}}[ -]?[A-Z](?![\w])", 0.4),
        ("NIE", rf"{_START}[XYZ][ -]?\d{{7}}[ -]?[A-Z](?![\w])", 0.4),
    )
    CONTEXT = ID_CONTEXT

    def validate_result(self, pattern_text: str) -> bool:
        return dni_ok(compact(pattern_text))


class ItalianFiscalCodeRecognizer(ConstantPatternRecognizer):
    """Codice fiscale: surname and name letters, birth date and place (digits may be letters, "omocodia"), and a
    check letter."""

    ENTITY = NATIONAL_ID
    PATTERNS = (
        ("codice fiscale", rf"(?<![\w])[A-Z]{{6}}{_CF}{{2}}[A-EHLMPRST]{_CF}{{2}}[A-Z]{_CF}{{3}}[A-Z](?![\w])", 0.4),
    )
    CONTEXT = ID_CONTEXT

    def validate_result(self, pattern_text: str) -> bool:
        return codice_fiscale_ok(pattern_text)


class UkNinoRecognizer(ConstantPatternRecognizer):
    """UK National Insurance number: two prefix letters (D, F, I, Q, U, V never; O never second), six digits in
    pairs, a final A-D. No check digit. Any two letters, six digits and a letter (``ZZ 12 34 56 T``, the prefix
    never allocated that forms and test data use, a temporary number) are one too after an NI word ("National
    Insurance", "NINO", "NI number"): the pattern's low score needs the context word."""

    ENTITY = NATIONAL_ID
    PATTERNS = (
        ("NINO", r"(?<![\w])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![\w])", 0.6),
        ("NINO shape", r"(?<![\w])[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Z](?![\w])", 0.3),
    )
    CONTEXT: ClassVar[Context] = {
        "en": ("national", "insurance", "nino", "ni", "nic"),  # "NI number"
        **dict.fromkeys(("fr", "de", "es", "it"), ("national", "insurance", "nino")),  # "ni" is a word there
    }


class SwissAvsRecognizer(ConstantPatternRecognizer):
    """Swiss AVS/AHV number ``756.1234.5678.97``: 756, ten digits, an EAN-13 check digit."""

    ENTITY = NATIONAL_ID
    PATTERNS = (("AVS", rf"{_START}756[. ]?\d{{4}}[. ]?\d{{4}}[. ]?\d{{2}}{_END}", 0.4),)
    CONTEXT = ID_CONTEXT

    def validate_result(self, pattern_text: str) -> bool:
        return avs_ok(compact(pattern_text))


class BelgianNationalNumberRecognizer(ConstantPatternRecognizer):
    """Belgian national register number ``YY.MM.DD-XXX.CC`` (or 11 digits): a birth date (month 0-12, +20 or +40
    for "bis" numbers), an order number and a mod-97 key (a 2 in front for births from 2000). Written as printed
    on the card it is certain; as 11 digits in one run (the shape of many phone and order numbers, one in a few
    hundred passing the checks) it needs an identity word nearby ("registre national", "NN")."""

    ENTITY = NATIONAL_ID
    PATTERNS = (("NN", rf"{_START}\d{{2}}[. ]?\d{{2}}[. ]?\d{{2}}[- ]?\d{{3}}[. ]?\d{{2}}{_END}", 0.4),)
    CONTEXT = ID_CONTEXT

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = compact(pattern_text)
        month, day = int(digits[2:4]) % 20, int(digits[4:6])
        if not (month <= 12 and day <= 31 and belgian_nn_ok(digits)):
            return False
        return True if digits != pattern_text else None  # 11 digits in one run: a phone or an order number too


#: VAT numbers: country prefix and the national length (letters of the French key and Spanish ends in any case).
_VAT = (
    r"FR ?[0-9A-Za-z]{2} ?\d{3} ?\d{3} ?\d{3}", r"DE ?\d{9}", r"IT ?\d{11}", r"ES ?[A-Za-z0-9]\d{7}[A-Za-z0-9]",
    r"BE ?[01]\d{3}[. ]?\d{3}[. ]?\d{3}", r"GB ?(?:\d{3} ?\d{4} ?\d{2}(?: ?\d{3})?|GD\d{3}|HA\d{3})",
    r"CHE[- ]?\d{3}[. ]?\d{3}[. ]?\d{3}(?: ?(?:MWST|TVA|IVA))?", r"ATU\d{8}", r"NL\d{9}B\d{2}", r"LU\d{8}",
    r"PT ?\d{9}", r"IE ?\d{7}[A-Z]{1,2}", r"AT ?U\d{8}",
)  # fmt: skip
COMPANY_CONTEXT: Context = {
    "fr": ("tva", "intracommunautaire", "ide", "cif", "nif", "entreprise", "société", "fournisseur"),
    "en": ("vat", "company", "registration", "supplier"),
    "de": ("ust", "ust-idnr", "umsatzsteuer", "mwst", "uid", "firma"),
    "es": ("cif", "nif", "iva", "empresa", "proveedor"),
    "it": ("iva", "partita", "p.iva", "azienda", "fornitore"),
}


class VatNumberRecognizer(ConstantPatternRecognizer):
    """VAT numbers of the EU countries around France, Switzerland (CHE-…) and the UK, with their country prefix."""

    ENTITY = COMPANY_ID
    PATTERNS = (("VAT", rf"(?<![\w])(?:{'|'.join(_VAT)})(?![\w])", 0.6),)
    CONTEXT = COMPANY_CONTEXT


class SpanishCifRecognizer(ConstantPatternRecognizer):
    """Spanish CIF: organisation letter, 7 digits, a control digit or letter; reported with a word like "CIF",
    "NIF" or "empresa" nearby (the shape is common among customer codes)."""

    ENTITY = COMPANY_ID
    PATTERNS = (("CIF", rf"{_START}[ABCDEFGHJNPQRSUVW]-?\d{{7}}[0-9A-J](?![\w])", 0.4),)
    CONTEXT: ClassVar[Context] = COMPANY_CONTEXT

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if cif_ok(compact(pattern_text)) else False  # one random code in ten passes: needs "CIF"


NATIONAL_AND_COMPANY_IDS = (
    SpanishDniRecognizer, ItalianFiscalCodeRecognizer, UkNinoRecognizer, SwissAvsRecognizer,
    BelgianNationalNumberRecognizer, VatNumberRecognizer, SpanishCifRecognizer,
)  # fmt: skip
