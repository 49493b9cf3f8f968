"""Contact data: phone numbers (France, Belgium, Switzerland, any +CC number), e-mail addresses (offline)."""

from __future__ import annotations

from functools import lru_cache
from typing import ClassVar

import phonenumbers
import tldextract
from presidio_analyzer.predefined_recognizers import EmailRecognizer as PresidioEmailRecognizer

from privacy.entities import EMAIL, PHONE
from privacy.recognizers.base import ConstantPatternRecognizer

_S = r"[ .\-\u00a0]?"  # one optional separator between digit groups
_START = r"(?<![\w+\-/.,])"  # not inside a longer number, an IBAN, a reference or an amount
_END = r"(?![\w]|[.,\-/]\d)"
_TRUNK = rf"(?:\(0\){_S})?"  # "+33 (0)1 ..."

MIN_NATIONAL_DIGITS = 8  # "004 318 07" inside a NIR is not "+4 318 07"
PHONE_CONTEXT: dict[str, tuple[str, ...]] = {
    "fr": ("téléphone", "tél", "tel", "portable", "mobile", "joindre", "appeler", "fixe", "standard"),
    "en": ("phone", "telephone", "tel", "mobile", "cell", "call", "contact"),
    "de": ("telefon", "tel", "handy", "mobil", "rufnummer"),
    "es": ("teléfono", "tel", "móvil", "llamar"),
    "it": ("telefono", "tel", "cellulare", "chiamare"),
}


class PhoneRecognizer(ConstantPatternRecognizer):
    """Phone numbers: French national (0X XX XX XX XX, with spaces, dots, dashes or none) and +33/0033,
    Belgian +32 and Swiss +41, and any other international number (+CC or 00CC) that libphonenumber finds
    possible. Digit groups inside an IBAN or a longer number are not matched (look-behind/ahead), and the
    detector drops what overlaps a longer entity anyway."""

    ENTITY = PHONE
    PATTERNS = (
        ("FR national", rf"{_START}0[1-9](?:{_S}\d{{2}}){{4}}{_END}", 0.6),
        ("FR international", rf"{_START}(?:\+|00){_S}33{_S}{_TRUNK}[1-9](?:{_S}\d{{2}}){{4}}{_END}", 0.7),
        ("BE international", rf"{_START}(?:\+|00){_S}32{_S}{_TRUNK}\d(?:{_S}\d){{7,8}}{_END}", 0.7),
        ("CH international", rf"{_START}(?:\+|00){_S}41{_S}{_TRUNK}\d{{2}}(?:{_S}\d){{7}}{_END}", 0.7),
        (
            "international",
            rf"{_START}(?:\+|00){_S}[1-9]\d{{0,2}}{_S}{_TRUNK}\(?\d{{1,4}}\)?(?:{_S}\d{{2,4}}){{1,5}}{_END}",
            0.5,
        ),
    )
    CONTEXT = PHONE_CONTEXT

    def validate_result(self, pattern_text: str) -> bool | None:
        if not pattern_text.startswith(("+", "00")):
            return None
        try:
            number = phonenumbers.parse(_plus(pattern_text), None)
        except phonenumbers.NumberParseException:
            return False
        possible = phonenumbers.is_possible_number(number) and len(str(number.national_number)) >= MIN_NATIONAL_DIGITS
        return None if possible else False


def _plus(text: str) -> str:
    return "+" + text[2:] if text.startswith("00") else text


@lru_cache(maxsize=1)
def offline_tld_extractor() -> tldextract.TLDExtract:
    """A TLDExtract that never fetches the public-suffix list: the snapshot shipped in the package, no cache dir."""
    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


class EmailRecognizer(PresidioEmailRecognizer):
    """Presidio's e-mail pattern with the domain checked against the bundled public-suffix snapshot (offline)."""

    CONTEXT_WORDS: ClassVar[dict[str, tuple[str, ...]]] = {
        "fr": ("email", "e-mail", "mail", "courriel", "adresse", "écrire"),
        "en": ("email", "e-mail", "mail", "address", "write"),
        "de": ("email", "e-mail", "mail", "adresse"),
        "es": ("email", "correo", "electrónico"),
        "it": ("email", "posta", "elettronica"),
    }

    def __init__(self, supported_language: str = "fr") -> None:
        super().__init__(
            supported_language=supported_language,
            supported_entity=EMAIL,
            name=f"EmailRecognizer_{supported_language}",
            context=list(self.CONTEXT_WORDS.get(supported_language, self.CONTEXT_WORDS["en"])),
        )

    def validate_result(self, pattern_text: str) -> bool:
        return offline_tld_extractor()(pattern_text.rpartition("@")[2]).suffix != ""
