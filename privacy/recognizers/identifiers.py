"""French administrative and banking identifiers: NIR, SIREN/SIRET, IBAN, payment cards (all with check digits)."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from privacy.entities import CREDIT_CARD, IBAN, NIR, SIREN, SIRET
from privacy.recognizers.base import IGNORE_CASE, ConstantPatternRecognizer, Context
from privacy.recognizers.checksums import compact, gtin_ok, iban_ok, luhn_ok, nir_ok, siret_ok
from privacy.recognizers.context_ids import membership_number_at

_SEP = r"[ .\u00a0]?"
BARCODE_SCORE = 0.3  # one optional space, dot or no-break space between digit groups


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


def _not_membership_numbers(text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
    """``results`` without the runs labelled as the chain's customer numbers ("Carte fidélité n° : ...", no
    payment word): a Luhn key holds for one random number in ten; the context identifier reports them."""
    return [r for r in results if not membership_number_at(text, r.start, r.end)]


class SiretRecognizer(ConstantPatternRecognizer):
    """SIRET: 14 digits (SIREN + 5-digit establishment number), Luhn; La Poste's own rule (digit sum multiple
    of 5) is accepted too. Written 3-3-3-5 it is certain; in one run it keeps the pattern's score, so that a card
    word nearby makes a 14-digit card (Diners) a card. Not after a membership label (a customer number)."""

    ENTITY = SIRET
    PATTERNS = (("SIRET", rf"(?<![\w.,])\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{5}}(?![\w]|[.,]\d)", 0.5),)
    CONTEXT: ClassVar[Context] = {
        "fr": ("siret", "siren", "établissement", "rcs", "société", "entreprise", "fournisseur"),
        "en": ("siret", "company", "registration", "supplier"),
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        if not siret_ok(compact(pattern_text)):
            return False
        return True if compact(pattern_text) != pattern_text else None  # in one run: a card context may win

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        results = _not_membership_numbers(text, super().analyze(text, entities, nlp_artifacts, regex_flags))
        for r in results:
            if r.score < 1 and gtin_ok(text[r.start : r.end]):
                r.score = BARCODE_SCORE  # also a valid GTIN-14 barcode: a SIRET only with a company word nearby
        return results


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
    """Payment card numbers, 12 to 19 digits with a Luhn key, grouped by 4 (Amex/Diners 4-6-5 / 4-6-4) or in one
    run, in every language (Presidio's own recognizer is English-only). Found alone when 15 to 19 digits, or 14
    grouped as cards are; a card context word ("carte", "CB", "Karte", "tarjeta"...) is needed for 12-13 digits
    (Maestro), for a 14-digit run (a SIRET is a 14-digit Luhn number too) and for any valid GTIN/EAN barcode.
    A run labelled as a customer number ("Carte fidélité n°", "Kundennummer", no payment word) is no card."""

    ENTITY = CREDIT_CARD
    PATTERNS = (
        ("card grouped by 4", r"(?<![\w.,])\d{4}([ \-])\d{4}\1\d{4}(?:\1\d{1,4}){0,2}(?![\w]|[.,]\d)", 0.3),
        ("card 4-6-5", r"(?<![\w.,])\d{4}([ \-])\d{6}\1\d{4,5}(?![\w]|[.,]\d)", 0.3),
        ("card in one run", r"(?<![\w.,])\d{12,19}(?![\w]|[.,]\d)", 0.3),
    )
    CONTEXT: ClassVar[Context] = {
        "fr": ("carte", "cb", "bancaire", "visa", "mastercard", "maestro", "amex", "paiement", "débit", "crédit"),
        "en": ("card", "credit", "visa", "mastercard", "maestro", "amex", "payment", "debit"),
        "de": ("karte", "kreditkarte", "kartennummer", "visa", "mastercard", "maestro", "girocard", "zahlung"),
        "es": ("tarjeta", "crédito", "débito", "visa", "mastercard", "maestro", "pago"),
        "it": ("carta", "credito", "debito", "visa", "mastercard", "maestro", "pagamento"),
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = compact(pattern_text)
        if not 12 <= len(digits) <= 19 or not luhn_ok(digits):
            return False
        if len(digits) <= 13 or gtin_ok(digits) or (len(digits) == 14 and digits == pattern_text):
            return None  # the pattern's low score: reported only with a card word nearby
        return True

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        return _not_membership_numbers(text, super().analyze(text, entities, nlp_artifacts, regex_flags))
