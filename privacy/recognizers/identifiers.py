"""French administrative and banking identifiers: NIR, SIREN/SIRET, IBAN, payment cards (all with check digits)."""

from __future__ import annotations

from typing import ClassVar

from privacy.entities import CREDIT_CARD, IBAN, NIR, SIREN, SIRET
from privacy.recognizers.base import IGNORE_CASE, ConstantPatternRecognizer, Context
from privacy.recognizers.checksums import compact, iban_ok, luhn_ok, nir_ok, siret_ok

_SEP = r"[ .\u00a0]?"  # one optional space, dot or no-break space between digit groups


class NirRecognizer(ConstantPatternRecognizer):
    """French social security number (NIR, 15 characters): sex, year, month, department (2A/2B for Corsica),
    commune, order, key = 97 - (first 13 digits mod 97), Corsica counted as 19 (2A) / 18 (2B)."""

    ENTITY = NIR
    PATTERNS = (
        (
            "NIR",
            rf"(?<![\w.])[1-478](?:{_SEP}\d){{4}}{_SEP}(?:\d{{2}}|2[ABab])(?:{_SEP}\d){{8}}(?![\w])",
            0.5,
        ),
    )
    CONTEXT: ClassVar[Context] = {
        "fr": ("nir", "sécurité", "sociale", "sécu", "insee", "ss", "immatriculation"),
        "en": ("social", "security", "nir", "insurance", "insee"),
        "de": ("sozialversicherungsnummer", "nir", "sozialversicherung"),
        "es": ("seguridad", "social", "nir"),
        "it": ("previdenza", "sociale", "nir"),
    }

    def validate_result(self, pattern_text: str) -> bool:
        return nir_ok(compact(pattern_text))


class SiretRecognizer(ConstantPatternRecognizer):
    """SIRET: 14 digits (SIREN + 5-digit establishment number), Luhn; La Poste's own rule (digit sum multiple
    of 5) is accepted too."""

    ENTITY = SIRET
    PATTERNS = (("SIRET", rf"(?<![\w.,])\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{5}}(?![\w]|[.,]\d)", 0.5),)
    CONTEXT: ClassVar[Context] = {
        "fr": ("siret", "siren", "établissement", "rcs", "société", "entreprise", "fournisseur"),
        "en": ("siret", "company", "registration", "supplier"),
    }

    def validate_result(self, pattern_text: str) -> bool:
        return siret_ok(compact(pattern_text))


class SirenRecognizer(ConstantPatternRecognizer):
    """SIREN: 9 digits with a Luhn key. Nine digits are common, so a valid SIREN keeps a low score and is only
    reported with a context word nearby (SIREN, RCS...)."""

    ENTITY = SIREN
    PATTERNS = (("SIREN", rf"(?<![\w.,])\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}(?![\w]|[.,]\d)", 0.3),)
    CONTEXT: ClassVar[Context] = {
        "fr": ("siren", "rcs", "immatriculée", "immatriculation", "société", "entreprise"),
        "en": ("siren", "company", "registration", "registered"),
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if siret_ok(compact(pattern_text)) else False


#: IBAN lengths of the EU/EEA countries, Switzerland, the United Kingdom, Monaco, San Marino, Andorra.
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20,
    "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25,
    "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
}  # fmt: skip


def _iban_regex() -> str:
    by_length: dict[int, list[str]] = {}
    for country, length in IBAN_LENGTHS.items():
        by_length.setdefault(length, []).append(country)
    branches = [
        rf"(?:{'|'.join(sorted(countries))})\d{{2}}(?:[ \u00a0]?[0-9A-Z]){{{length - 4}}}"
        for length, countries in sorted(by_length.items(), reverse=True)
    ]
    return rf"(?<![\w])(?:{'|'.join(branches)})(?![\w])"


class IbanRecognizer(ConstantPatternRecognizer):
    """IBAN of an EU/EEA country, Switzerland or the UK: exact length per country, spaces allowed, ISO 7064
    mod-97 check. Lower case is accepted."""

    ENTITY = IBAN
    PATTERNS = (("IBAN", _iban_regex(), 0.5),)
    CONTEXT: ClassVar[Context] = {
        "fr": ("iban", "rib", "virement", "compte", "bancaire"),
        "en": ("iban", "account", "bank", "transfer"),
        "de": ("iban", "konto", "bank", "überweisung"),
        "es": ("iban", "cuenta", "banco", "transferencia"),
        "it": ("iban", "conto", "banca", "bonifico"),
    }
    FLAGS = IGNORE_CASE

    def validate_result(self, pattern_text: str) -> bool:
        value = compact(pattern_text)
        return IBAN_LENGTHS.get(value[:2]) == len(value) and iban_ok(value)


class CreditCardRecognizer(ConstantPatternRecognizer):
    """Payment card numbers (13 to 19 digits, Luhn), grouped by 4 (Amex/Diners 4-6-5 / 4-6-4) or in one run.
    Registered for every language (Presidio's own recognizer is English-only)."""

    ENTITY = CREDIT_CARD
    PATTERNS = (
        ("card grouped by 4", r"(?<![\w.,])[1-6]\d{3}([ \-])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{1,3})?(?![\w]|[.,]\d)", 0.5),
        ("card 4-6-5", r"(?<![\w.,])3\d{3}([ \-])\d{6}\1\d{4,5}(?![\w]|[.,]\d)", 0.5),
        (
            "card in one run",  # 13 digits: Visa only (EAN-13 product codes start with 0-3 or 5-9 in Europe)
            r"(?<![\w.,])(?:4\d{12}|[2-6]\d{13,18}|(?:1800|2131)\d{11})(?![\w]|[.,]\d)",
            0.4,
        ),
    )
    CONTEXT: ClassVar[Context] = {
        "fr": ("carte", "cb", "bancaire", "visa", "mastercard", "paiement", "débit"),
        "en": ("card", "credit", "visa", "mastercard", "amex", "payment", "debit"),
        "de": ("karte", "kreditkarte", "visa", "mastercard", "zahlung"),
        "es": ("tarjeta", "crédito", "visa", "mastercard", "pago"),
        "it": ("carta", "credito", "visa", "mastercard", "pagamento"),
    }

    def validate_result(self, pattern_text: str) -> bool:
        digits = compact(pattern_text)
        return 13 <= len(digits) <= 19 and luhn_ok(digits)
