"""The names of the detector's recognizers, for ``PrivacySettings.disabled_recognizers`` (a light module: the
settings validate against it without loading Presidio). :func:`privacy.recognizers.build.build_recognizers` and the
detector's NER step use the same names."""

from __future__ import annotations

#: The pattern recognizers every language gets, in build order.
PATTERN_RECOGNIZERS: tuple[str, ...] = (
    "NirRecognizer", "SiretRecognizer", "SirenRecognizer", "IbanRecognizer", "CreditCardRecognizer",
    "PhoneRecognizer", "NationalPhoneRecognizer", "LabelledPhoneRecognizer", "EmailRecognizer", "AddressRecognizer",
    "LicencePlateRecognizer", "PersonPatternRecognizer", "PersonLabelRecognizer", "SpanishDniRecognizer",
    "ItalianFiscalCodeRecognizer", "UkNinoRecognizer", "SwissAvsRecognizer", "BelgianNationalNumberRecognizer",
    "VatNumberRecognizer", "SpanishCifRecognizer", "LoyaltyCardRecognizer", "EmployeeIdRecognizer",
    "FirstNamePersonRecognizer", "ContextIdentifierRecognizer",
)  # fmt: skip
#: Added by the detector for the languages with a spaCy model (the model's PERSON, French proper-noun runs).
NER_RECOGNIZERS: tuple[str, ...] = ("SpacyRecognizer", "ProperNounPersonRecognizer")
RECOGNIZER_NAMES: tuple[str, ...] = PATTERN_RECOGNIZERS + NER_RECOGNIZERS


def unknown_recognizers(names: list[str]) -> list[str]:
    """The names of ``names`` that are no recognizer of the detector."""
    return [name for name in names if name not in RECOGNIZER_NAMES]
