"""Entity types the privacy layer pseudonymizes, and the languages the detector serves."""

from __future__ import annotations

from typing import Final

PERSON: Final = "PERSON"
EMAIL: Final = "EMAIL"
PHONE: Final = "PHONE"
IBAN: Final = "IBAN"
NIR: Final = "NIR"
SIREN: Final = "SIREN"
SIRET: Final = "SIRET"
ADDRESS: Final = "ADDRESS"
CREDIT_CARD: Final = "CREDIT_CARD"
LICENCE_PLATE: Final = "LICENCE_PLATE"
LOYALTY_CARD: Final = "LOYALTY_CARD"
EMPLOYEE_ID: Final = "EMPLOYEE_ID"
NATIONAL_ID: Final = "NATIONAL_ID"  # a national identity / social security number other than the French NIR
COMPANY_ID: Final = "COMPANY_ID"  # a VAT number (any EU country, Switzerland, the UK) or a Spanish CIF
IDENTIFIER: Final = "IDENTIFIER"  # any ID-like token right after an identifier's context word ("N° client ...")

#: Every entity type that is replaced by a pseudonym token. Anything else a recognizer or the NER model reports
#: (LOCATION, NRP, DATE_TIME, ORGANIZATION, MISC...) is dropped: a city alone, a date or a company name is kept
#: as is, a city that belongs to a full postal address is covered by the ADDRESS span.
PSEUDONYMIZED_ENTITIES: Final[tuple[str, ...]] = (
    PERSON,
    EMAIL,
    PHONE,
    IBAN,
    NIR,
    SIREN,
    SIRET,
    ADDRESS,
    CREDIT_CARD,
    LICENCE_PLATE,
    LOYALTY_CARD,
    EMPLOYEE_ID,
    NATIONAL_ID,
    COMPANY_ID,
    IDENTIFIER,
)

#: Languages the detector accepts. Only those with a spaCy model in ``PrivacySettings.spacy_models`` get NER
#: (PERSON); the others get the pattern recognizers only.
SUPPORTED_LANGUAGES: Final[tuple[str, ...]] = ("fr", "en", "de", "es", "it")
