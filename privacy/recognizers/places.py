"""French postal addresses and French licence plates."""

from __future__ import annotations

from typing import ClassVar

from privacy.entities import ADDRESS, LICENCE_PLATE
from privacy.recognizers.base import ConstantPatternRecognizer, Context

STREET_TYPES = (
    "rue", "avenue", "av", "boulevard", "bd", "bld", "chemin", "allée", "allee", "place", "impasse", "quai",
    "cours", "route", "rte", "square", "passage", "voie", "cité", "cite", "résidence", "residence", "lieu-dit",
    "faubourg", "fbg", "sentier", "rond-point", "esplanade", "promenade", "hameau", "parvis", "montée", "montee",
    "villa", "mail", "traverse", "ruelle", "chaussée", "chaussee", "carrefour", "lotissement", "domaine",
    "clos", "venelle", "quartier", "zone", "za", "zi", "zac",
)  # fmt: skip

_NUMBER = r"(?<![\w,.])\d{1,4}(?:[ ]?(?i:bis|ter|quater|[abc]))?(?![\w])"
_STREET = r"(?i:" + "|".join(sorted(STREET_TYPES, key=len, reverse=True)) + r")\.?"
_NAME = r"[^\n;:()\[\]{}<>|]{1,60}?"  # the street name, as short as possible up to the postcode
_SEPARATOR = r"(?:[ \t]*,[ \t]*\n?[ \t]*|[ \t]*\n[ \t]*|[ \t]+[-–][ \t]+|[ \t]+)"
_POSTCODE = r"(?:0[1-9]|[1-8]\d|9[0-8]|2[AB])\d{3}(?!\d)"
_PARTICLE = r"(?:sur|sous|en|de|du|des|la|le|les|lès|lez|aux|au|et|d'|l'|d’|l’)"
_CITY_WORD = r"\p{Lu}[\p{L}'’]*"
_CITY = (
    r"\p{L}[\p{L}'’]*"
    rf"(?:(?:[ ]|-)(?:{_CITY_WORD}|{_PARTICLE}(?=[ -]?\p{{Lu}})[ -]?{_CITY_WORD}|-?{_PARTICLE}-))*"
    r"(?:[ ](?i:cedex)(?:[ ]\d{1,2})?)?"
)


class FrenchAddressRecognizer(ConstantPatternRecognizer):
    """A full French postal address: number (with bis/ter), street type, street name, 5-digit postcode and city,
    on one line or two, with or without a comma (``12 rue des Lilas, 69003 Lyon``,
    ``8 bis avenue Jean Jaurès 75019 Paris``). Street types and lower-case text are accepted; the city ends at
    the first lower-case word that is not a particle (``Saint-Rémy-de-Provence``, ``Aix en Provence``)."""

    ENTITY = ADDRESS
    PATTERNS = (
        (
            "street, postcode, city",
            rf"{_NUMBER}[ \t]*,?[ \t]*{_STREET}[ \t]+{_NAME}{_SEPARATOR}{_POSTCODE}[ \t]+{_CITY}",
            0.85,
        ),
    )
    CONTEXT: ClassVar[Context] = {
        "fr": ("adresse", "domicile", "demeurant", "domicilié", "habite", "livraison"),
        "en": ("address", "living", "lives", "delivery"),
    }


_PLATE_LETTERS = "[A-HJ-NP-TV-Z]"


class LicencePlateRecognizer(ConstantPatternRecognizer):
    """French licence plates: SIV ``AB-123-CD`` (since 2009; no I, O, U) and the old FNI ``123 ABC 75``
    (reported only with a vehicle word nearby, it looks like many other codes)."""

    ENTITY = LICENCE_PLATE
    PATTERNS = (
        ("SIV", rf"(?<![\w-]){_PLATE_LETTERS}{{2}}([- ])\d{{3}}\1{_PLATE_LETTERS}{{2}}(?![\w-])", 0.7),
        ("SIV no separator", rf"(?<![\w-]){_PLATE_LETTERS}{{2}}\d{{3}}{_PLATE_LETTERS}{{2}}(?![\w-])", 0.35),
        (
            "FNI",
            r"(?<![\w-])\d{1,4}([- ])[A-Z]{1,3}\1(?:0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-6])(?![\w-])",
            0.35,
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
