"""Contact data: phone numbers (France, Belgium, Switzerland, any +CC number), e-mail addresses (offline)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import ClassVar

import phonenumbers
import tldextract
from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import EmailRecognizer as PresidioEmailRecognizer

from privacy.entities import EMAIL, PHONE
from privacy.recognizers.base import ConstantPatternRecognizer

_S = r"[ .\-\u00a0]?"  # one optional separator between digit groups
_START = r"(?<![\w+\-/.,])"  # not inside a longer number, an IBAN, a reference or an amount
_END = r"(?![\w]|[.,\-/]\d)"
_TRUNK = rf"(?:\(0\){_S})?"  # "+33 (0)1 ..."

MIN_NATIONAL_DIGITS = 8  # "004 318 07" inside a NIR is not "+4 318 07"
PHONE_CONTEXT: dict[str, tuple[str, ...]] = {
    "fr": ("téléphone", "tél", "tel", "portable", "mobile", "joindre", "appeler", "rappeler", "appelez", "rappelez",
           "fixe", "standard", "gsm", "fax"),
    "en": ("phone", "telephone", "tel", "mobile", "cell", "call", "ring", "landline", "contact"),
    "de": ("telefon", "tel", "handy", "mobil", "rufnummer", "telefonnummer", "handynummer", "festnetz", "anrufen",
           "zurückrufen"),
    "es": ("teléfono", "tel", "móvil", "fijo", "llamar", "llame"),
    "it": ("telefono", "tel", "cellulare", "chiamare", "richiamare", "telefonare"),
}  # fmt: skip


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


#: Countries whose national formats are read in a text of each language (libphonenumber's metadata decides).
NATIONAL_REGIONS: dict[str, tuple[str, ...]] = {
    "fr": ("FR", "BE", "CH", "LU", "MC"), "en": ("GB", "IE"), "de": ("DE", "AT", "CH"), "es": ("ES",),
    "it": ("IT", "CH"),
}  # fmt: skip
#: Countries whose numbers are written without a trunk 0 (Spanish numbers, Italian mobiles).
NO_TRUNK_PREFIX = frozenset({"ES", "IT"})
NATIONAL_SCORE, POSSIBLE_SCORE = 0.6, 0.3
_GROUPS = re.compile(r"[\s.\-/()]+")
_GLUED = re.compile(r"[\w+]")  # a letter, digit, underscore or plus right beside: part of a longer code


class NationalPhoneRecognizer(LocalRecognizer):
    """Phone numbers in the national formats of the countries around the text's language (``07835 337406``,
    ``(0113) 496 0123``, ``079 360 83 77``, ``912 345 678``), found by libphonenumber's matcher: at least 8 digits,
    written with a trunk 0 or an international prefix (Spain and Italian mobiles have none), not ending with a lone
    digit. A number valid for that country is reported; one only of a possible length, or written without any
    prefix (Spanish and Italian mobiles), needs a phone word nearby ("tél.", "Telefon", "phone"...)."""

    def __init__(self, supported_language: str = "fr") -> None:
        super().__init__(
            supported_entities=[PHONE],
            supported_language=supported_language,
            name=f"NationalPhoneRecognizer_{supported_language}",
            context=list(PHONE_CONTEXT.get(supported_language, PHONE_CONTEXT["en"])),
        )
        self._regions = NATIONAL_REGIONS.get(supported_language, ("FR",))

    def load(self) -> None:
        """Nothing to load: libphonenumber's metadata comes with the package."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if PHONE not in entities:
            return []
        found: dict[tuple[int, int], RecognizerResult] = {}
        for region in self._regions:
            for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
                raw = match.raw_string
                digits = sum(c.isdigit() for c in raw)
                prefixed = raw.lstrip("(").startswith(("0", "+")) or region in NO_TRUNK_PREFIX
                cut_short = len(_GROUPS.split(raw)[-1]) == 1  # "06 12 48 73 9": a number cut, not a Belgian one
                glued = _GLUED.match(text[match.end : match.end + 1]) or _GLUED.match(
                    text[max(0, match.start - 1) : match.start]
                )
                if digits < MIN_NATIONAL_DIGITS or not prefixed or cut_short or glued:
                    continue
                bare = not raw.lstrip("(").startswith(("0", "+"))  # a Spanish or Italian number without prefix
                valid = phonenumbers.is_valid_number(match.number) and not bare
                score = NATIONAL_SCORE if valid else POSSIBLE_SCORE
                previous = found.get((match.start, match.end))
                if previous is None or previous.score < score:
                    explanation = AnalysisExplanation(recognizer=type(self).__name__, original_score=score)
                    found[(match.start, match.end)] = RecognizerResult(
                        PHONE, match.start, match.end, score, explanation
                    )
        return list(found.values())


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
