"""The pattern recognizers of the privacy layer, built per language from the settings.

Every language gets every pattern recognizer (identifiers and contact data look the same in any language);
context words exist for fr, en, de, es, it. NER (PERSON) comes from the spaCy model of the language, if
``PrivacySettings.spacy_models`` names one: **de, es and it have no NER model by default, so a bare name there
(``Stefan Hoffmann``) is not detected** unless a model is configured for them (``{"de": "fr_core_news_md"}``
borrows the French model, which finds most European names); titled and capitalised-surname forms are still
found by :class:`PersonPatternRecognizer`.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

from privacy.recognizers.addresses import AddressRecognizer
from privacy.recognizers.company_ids import employee_id_recognizer, loyalty_card_recognizer
from privacy.recognizers.contact import EmailRecognizer, NationalPhoneRecognizer, PhoneRecognizer
from privacy.recognizers.context_ids import ContextIdentifierRecognizer
from privacy.recognizers.identifiers import (
    CreditCardRecognizer,
    IbanRecognizer,
    NirRecognizer,
    SirenRecognizer,
    SiretRecognizer,
)
from privacy.recognizers.national_ids import NATIONAL_AND_COMPANY_IDS
from privacy.recognizers.person import PersonPatternRecognizer
from privacy.recognizers.places import LicencePlateRecognizer
from privacy.settings import PrivacySettings

__all__ = ["build_recognizers"]


def build_recognizers(settings: PrivacySettings, language: str) -> list[EntityRecognizer]:
    """Every pattern recognizer for ``language`` (NER is added by the detector)."""
    return [
        NirRecognizer(language),
        SiretRecognizer(language),
        SirenRecognizer(language),
        IbanRecognizer(language),
        CreditCardRecognizer(language),
        PhoneRecognizer(language),
        NationalPhoneRecognizer(language),
        EmailRecognizer(language),
        AddressRecognizer(language),
        LicencePlateRecognizer(language),
        PersonPatternRecognizer(language),
        *(recognizer(language) for recognizer in NATIONAL_AND_COMPANY_IDS),
        loyalty_card_recognizer(settings.loyalty_card_pattern, language),
        employee_id_recognizer(settings.employee_id_pattern, language),
        ContextIdentifierRecognizer(language),
    ]
