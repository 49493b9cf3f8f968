"""The pattern recognizers of the privacy layer, built per language from the settings.

Every language gets every pattern recognizer (identifiers and contact data look the same in any language);
context words exist for fr, en, de, es, it. NER (PERSON) comes from the spaCy model of the language, if
``PrivacySettings.spacy_models`` names one: **de, es and it have no NER model by default**; there a name is found
by its form (:class:`PersonPatternRecognizer`: after a title, surname in capitals; :class:`PersonLabelRecognizer`:
after a form label) or by its first name (:class:`FirstNamePersonRecognizer`: ``Stefan Hoffmann`` when ``Stefan``
is a known first name), or by a model configured for them (``{"de": "fr_core_news_md"}`` borrows the French
model). ``PrivacySettings.disabled_recognizers`` leaves recognizers out by name (:mod:`privacy.recognizers.names`),
for measuring what each costs.
"""

from __future__ import annotations

from collections.abc import Callable

from presidio_analyzer import EntityRecognizer

from privacy.recognizers.addresses import AddressRecognizer
from privacy.recognizers.company_ids import employee_id_recognizer, loyalty_card_recognizer
from privacy.recognizers.contact import EmailRecognizer, NationalPhoneRecognizer, PhoneRecognizer
from privacy.recognizers.context_ids import ContextIdentifierRecognizer
from privacy.recognizers.first_name_person import FirstNamePersonRecognizer
from privacy.recognizers.identifiers import (
    CreditCardRecognizer,
    IbanRecognizer,
    NirRecognizer,
    SirenRecognizer,
    SiretRecognizer,
)
from privacy.recognizers.national_ids import NATIONAL_AND_COMPANY_IDS
from privacy.recognizers.person import PersonLabelRecognizer, PersonPatternRecognizer
from privacy.recognizers.phone_context import LabelledPhoneRecognizer
from privacy.recognizers.places import LicencePlateRecognizer
from privacy.settings import PrivacySettings

__all__ = ["build_recognizers", "factories"]

Factory = Callable[[PrivacySettings, str], EntityRecognizer]


def _by_language(cls: Callable[[str], EntityRecognizer]) -> Factory:
    return lambda _settings, language: cls(language)


def factories() -> dict[str, Factory]:
    """Recognizer name (:data:`privacy.recognizers.names.PATTERN_RECOGNIZERS`) -> its builder, in build order."""
    out: dict[str, Factory] = {}
    for cls in (NirRecognizer, SiretRecognizer, SirenRecognizer, IbanRecognizer, CreditCardRecognizer,
                PhoneRecognizer, NationalPhoneRecognizer, LabelledPhoneRecognizer, EmailRecognizer, AddressRecognizer,
                LicencePlateRecognizer, PersonPatternRecognizer, PersonLabelRecognizer,
                *NATIONAL_AND_COMPANY_IDS):  # fmt: skip
        out[cls.__name__] = _by_language(cls)
    out["LoyaltyCardRecognizer"] = lambda settings, language: loyalty_card_recognizer(
        settings.loyalty_card_pattern, language
    )
    out["EmployeeIdRecognizer"] = lambda settings, language: employee_id_recognizer(
        settings.employee_id_pattern, language
    )
    out["FirstNamePersonRecognizer"] = lambda settings, language: FirstNamePersonRecognizer(
        language, has_model=bool(settings.spacy_models.get(language))
    )
    out["ContextIdentifierRecognizer"] = lambda _settings, language: ContextIdentifierRecognizer(language)
    return out


def build_recognizers(settings: PrivacySettings, language: str) -> list[EntityRecognizer]:
    """Every pattern recognizer for ``language`` but those ``settings.disabled_recognizers`` names (NER is added
    by the detector)."""
    disabled = set(settings.disabled_recognizers)
    return [build(settings, language) for name, build in factories().items() if name not in disabled]
