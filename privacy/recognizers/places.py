"""Licence plates: the French SIV and FNI forms, and any country's plate right after a vehicle word."""

from __future__ import annotations

from typing import ClassVar

from privacy.entities import LICENCE_PLATE
from privacy.recognizers.base import ConstantPatternRecognizer, Context

#: Words of a vehicle in the languages served: a plate right after one of them is found whatever its country.
PLATE_WORDS = (
    "immatriculation", "immatriculé", "immatriculée", "plaque", "véhicule", "voiture", "camion", "fourgon",
    "registration", "registered", "reg", "plate", "vehicle", "car", "van", "lorry", "truck",
    "kennzeichen", "kfz-kennzeichen", "fahrzeug", "auto", "lkw",
    "matrícula", "matricula", "vehículo", "coche", "camión", "furgoneta",
    "targa", "targato", "targata", "veicolo", "furgone",
)  # fmt: skip
_PLATE_CONTEXT = "|".join(sorted(PLATE_WORDS, key=len, reverse=True))
#: One to four groups of capitals and digits joined by a dash or a space, 3 to 10 characters (checked after).
#: German district codes: TÜ, LÖ, PLÖ; in title case too after a vehicle word (``Do-NO-2``)
_PLATE_TOKEN = r"(?:[A-ZÄÖÜ][a-zäöü]{1,2}-)?[A-Z0-9ÄÖÜ]{1,7}(?:[- ][A-Z0-9ÄÖÜ]{1,4}){0,3}"
MIN_PLATE, MAX_PLATE = 3, 10  # Köln's K-X 8


_PLATE_LETTERS = "[A-HJ-NP-TV-Z]"


class LicencePlateRecognizer(ConstantPatternRecognizer):
    """French licence plates: SIV ``AB-123-CD`` (since 2009; no I, O, U) and the old FNI ``123 ABC 75``
    (reported only with a vehicle word nearby, it looks like many other codes); and any plate of 3 to 10 capitals
    and digits (both) right after a vehicle word: ``Kennzeichen B-AB 1234``, ``matrícula 1234 BCD``,
    ``targa AB 123 CD``, ``registration PH62 XZM``."""

    ENTITY = LICENCE_PLATE
    PATTERNS = (
        ("SIV", rf"(?<![\w-]){_PLATE_LETTERS}{{2}}([- ])\d{{3}}\1{_PLATE_LETTERS}{{2}}(?![\w-])", 0.7),
        ("SIV no separator", rf"(?<![\w-]){_PLATE_LETTERS}{{2}}\d{{3}}{_PLATE_LETTERS}{{2}}(?![\w-])", 0.35),
        (
            "FNI",
            r"(?<![\w-])\d{1,4}([- ])[A-Z]{1,3}\1(?:0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-6])(?![\w-])",
            0.35,
        ),
        (
            "after a vehicle word",
            rf"(?<=(?<![\w])(?i:{_PLATE_CONTEXT})(?:[ \t]*(?:n°|no\.?|nr\.?|:))?[ \t]+){_PLATE_TOKEN}(?![\w-])",
            0.6,
        ),
    )
    CONTEXT: ClassVar[Context] = {
        "fr": ("immatriculation", "immatriculé", "immatriculée", "plaque", "véhicule", "voiture", "camion",
               "fourgon", "camionnette", "utilitaire", "stationné", "garé"),
        "en": ("plate", "registration", "vehicle", "car", "van", "truck", "lorry", "parked"),
        "de": ("kennzeichen", "fahrzeug", "auto", "lkw", "transporter"),
        "es": ("matrícula", "vehículo", "coche", "camión", "furgoneta"),
        "it": ("targa", "veicolo", "auto", "camion", "furgone"),
    }  # fmt: skip

    def validate_result(self, pattern_text: str) -> bool | None:
        chars = [c for c in pattern_text if c.isalnum()]
        plausible = MIN_PLATE <= len(chars) <= MAX_PLATE
        return None if plausible and any(c.isdigit() for c in chars) and any(c.isalpha() for c in chars) else False
