"""Recognizers driven by a label or by the shape around a value (issue 20): labelled phones libphonenumber refuses,
postal boxes and Dutch towns, customer numbers that pass a card or SIRET check, NI numbers with an unallocated
prefix, Belgian national numbers in one run, dates and legal references kept apart. Valid and invalid side by
side; the negatives are the numbers that must stay in clear (legal references, barcodes, prices, orders)."""

from __future__ import annotations

import pytest

from privacy.allow_list import load_allow_list
from privacy.presidio_detector import PresidioDetector
from privacy.recognizers.context_ids import is_date, legal_reference_before, membership_number_at
from privacy.recognizers.phone_context import labelled_after, labelled_before, phone_shaped
from privacy.settings import PrivacySettings
from tests.unit.test_privacy_recognizers import found

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("language", "text", "phone"),
    [
        ("fr", "Nom : Pascal Roy — Téléphone : 00/ 970 67 06 — Courriel : p@roy.be", "00/ 970 67 06"),
        ("fr", "Téléphone : 009 9029788", "009 9029788"),  # a table cell after its column header
        ("fr", "Téléphone : (003)-0813950", "(003)-0813950"),
        ("fr", "Merci de rappeler Matteo Chevalier au 000 5958785 ; son adresse", "000 5958785"),
        ("de", "Telefon: 0069743383 — E-Mail: r@s.de", "0069743383"),
        ("de", "Bitte Ilias Wilmsen unter (00010) 70931 zurückrufen; Lieferanschrift: x", "(00010) 70931"),
        ("it", "Richiamare Santino Cendron al 323702362; indirizzo di consegna", "323702362"),
        ("it", "Richiamare Jacopo CHIESA al 3604099869", "3604099869"),
        ("en", "Please call Nathan Watson back on (028)9018654; the delivery address", "(028)9018654"),
    ],
)
def test_a_labelled_phone_is_a_phone_whatever_libphonenumber_says(language: str, text: str, phone: str) -> None:
    assert ("PHONE", phone) in found(text, language)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "Conformément au décret n° 2014-1061, appeler le service client"),  # a legal reference
        ("fr", "Appeler avant le 12/03/2024 au sujet du colis"),  # a date
        ("fr", "Téléphone : voir la commande 12345678"),  # a word naming another number in between
        ("fr", "Appeler pour la facture 20240312 du client"),
        ("fr", "tél. 06 12 48 73 9."),  # cut short
        ("fr", "Commande 12345678 expédiée ; code-barres 4006381333931, prix 1 249 999,00 €"),  # no phone word
        ("de", "Barcode des Pakets: 290916367131. Bitte zurückrufen."),  # the phone word is in another sentence
        ("en", "Call us about order 55512345678 today"),
    ],
)
def test_numbers_that_are_no_phone_stay_in_clear(language: str, text: str) -> None:
    assert not {h for h in found(text, language) if h[0] == "PHONE"}


@pytest.mark.parametrize(
    ("before", "after", "labelled"),
    [
        ("Tél. ", "", True),
        ("Please call Nathan Watson back on ", "", True),
        ("Téléphone : 01 23 45 67 89 ou ", "", False),  # a digit in between
        ("Telefon. Kundennummer ", "", False),  # a sentence break
        ("phone and then five more words here now ", "", False),  # too far
        ("unter ", " zurückrufen", True),
        ("", ", appeler le service", False),  # punctuation first
    ],
)
def test_labels_before_and_after(before: str, after: str, labelled: bool) -> None:
    assert (labelled_before(before) or labelled_after(after)) is labelled


@pytest.mark.parametrize(
    ("value", "shaped"),
    [("00/ 970 67 06", True), ("(00010) 70931", True), ("1234567", False), ("12/03/2024", False),
     ("+33 6 74 21 58", False), ("06 12 48 73 9", False), ("(028 9018654", False), ("1234567890123456", False)],
)  # fmt: skip
def test_phone_shape(value: str, shaped: bool) -> None:
    assert phone_shaped(value) is shaped


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Adresse : BP, 42711 ROSSI CEDEX", "BP, 42711 ROSSI CEDEX"),  # box number left out, CEDEX
        ("CS, 14861 LAURENT CEDEX", "CS, 14861 LAURENT CEDEX"),
        ("BP 123, 75001 PARIS CEDEX", "BP 123, 75001 PARIS CEDEX"),
        ("CS 30012\n75001 PARIS CEDEX", "CS 30012\n75001 PARIS CEDEX"),
        ("Adresse : Josephhof, 7518 's-Gravenvoeren — Carte", "Josephhof, 7518 's-Gravenvoeren"),
        ("Lieferanschrift: Hans-J.-Adolph-Gasse 8, 85059 Forst.", "Hans-J.-Adolph-Gasse 8, 85059 Forst"),
    ],
)
def test_postal_boxes_and_dutch_towns(text: str, address: str) -> None:
    assert ("ADDRESS", address) in found(text)


@pytest.mark.parametrize("text", ["BP, 42711 ROSSI", "le CS, 75001 Paris", "45 personnes, 13001 Marseille"])
def test_a_box_word_without_number_needs_cedex(text: str) -> None:
    assert not {h for h in found(text) if h[0] == "ADDRESS"}


@pytest.mark.parametrize(
    ("language", "text", "plate"),
    [
        ("de", "Das Fahrzeug mit dem Kennzeichen AÖ-A-723 von", "AÖ-A-723"),
        ("de", "Kennzeichen PLÖ-PN-331", "PLÖ-PN-331"),
        ("de", "Kennzeichen: Do-AU-719\n", "Do-AU-719"),  # a district code in title case
    ],
)
def test_german_plates_with_umlauts(language: str, text: str, plate: str) -> None:
    assert ("LICENCE_PLATE", plate) in found(text, language)


@pytest.mark.parametrize(
    ("text", "value", "membership"),
    [
        ("Carte fidélité n° : 812307634637158", "812307634637158", True),
        ("Tarjeta de fidelización n.º D 41767696838734", "41767696838734", True),  # after the letter prefix
        ("Account no.: L 21798356448864.", "21798356448864", True),
        ("Kundennummer: 12345678901234", "12345678901234", True),
        ("Carte bancaire n° 4974012356789015", "4974012356789015", False),  # a payment word before the label
        ("N° client, carte Visa n° 4974012356789015", "4974012356789015", False),
        ("carte 4974012356789015", "4974012356789015", False),  # no customer word
        ("SIRET 73282932000074", "73282932000074", False),
    ],
)
def test_membership_labels(text: str, value: str, membership: bool) -> None:
    start = text.index(value)
    assert membership_number_at(text, start, start + len(value)) is membership


@pytest.mark.parametrize(
    ("token", "date"),
    [("12/03/2024", True), ("2024-03-12", True), ("2023-2024", True), ("31.12.99", True), ("12/24/2024", True),
     ("9657/73/24", False), ("24.15.945", False), ("2014-1061", False)],
)  # fmt: skip
def test_dates_have_months_and_days(token: str, date: bool) -> None:
    assert is_date(token) is date


def test_a_legal_word_cut_out_of_a_longer_word_is_no_legal_reference() -> None:
    text = "Correo: a@amelia.org\nIBAN: ES16 4079\nNúmero de socio: 526 54295 6273969"
    assert not legal_reference_before(text, text.index("Número"))
    assert legal_reference_before("Conformément au décret n° 2014-1061", len("Conformément au décret n° "))
    assert ("IDENTIFIER", "526 54295 6273969") in found(text, "es")


@pytest.fixture(scope="module")
def analyzer() -> PresidioDetector:
    """The real analyzer with blank tokenizers (no name model): context words and overlaps, no NER."""
    settings = PrivacySettings(spacy_models={})
    detector = PresidioDetector(settings, load_allow_list(settings.catalogues, settings.allow_list))
    detector.load()
    return detector


@pytest.mark.parametrize(
    ("language", "text", "expected", "absent"),
    [
        ("fr", "Carte fidélité n° : 812307634637158", ("IDENTIFIER", "812307634637158"), "CREDIT_CARD"),
        ("es", "Tarjeta de fidelización n.º D 41767696838734", ("IDENTIFIER", "D 41767696838734"), "CREDIT_CARD"),
        ("es", "Tarjeta de fidelización n.º 259325875344", ("IDENTIFIER", "259325875344"), "CREDIT_CARD"),
        ("en", "Account no.: L 21798356448864.", ("IDENTIFIER", "L 21798356448864"), "SIRET"),
        ("fr", "Carte bancaire : 4974 0123 5678 9015", ("CREDIT_CARD", "4974 0123 5678 9015"), "IDENTIFIER"),
        ("fr", "SIRET 73282932000074", ("SIRET", "73282932000074"), "IDENTIFIER"),
        ("en", "National Insurance number: ZZ 83 08 04 T", ("NATIONAL_ID", "ZZ 83 08 04 T"), "IDENTIFIER"),
        ("en", "NI number ZZ840869T", ("NATIONAL_ID", "ZZ840869T"), "IDENTIFIER"),
        ("en", "NI number AB 12 34 56 C", ("NATIONAL_ID", "AB 12 34 56 C"), "IDENTIFIER"),
        ("fr", "Numéro de registre national : 85073003328", ("NATIONAL_ID", "85073003328"), "PHONE"),
        ("fr", "NN 85.07.30-033.28", ("NATIONAL_ID", "85.07.30-033.28"), "PHONE"),
        ("de", "Telefon: 04512276880; E-Mail: a@b.de", ("PHONE", "04512276880"), "NATIONAL_ID"),
        ("en", "(Member ID RC 5388037) disputes a charge", ("IDENTIFIER", "RC 5388037"), "PERSON"),  # no "ID RC"
    ],
)
def test_types_at_the_analyzer(
    analyzer: PresidioDetector, language: str, text: str, expected: tuple[str, str], absent: str
) -> None:
    spans = {(s.entity_type, s.text) for s in analyzer.detect(text, language)}
    assert expected in spans
    assert absent not in {t for t, _ in spans}


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Reference ZZ840869T on the parcel"),  # an unallocated prefix without an NI word
        ("fr", "Le code 85073003328 du colis"),  # 11 digits in one run without an identity word
        ("fr", "Conformément au décret n° 2014-1061, appeler le service client au sujet du lot"),
        ("fr", "Le jean slim (réf. AC-JEA-SL01-BRU, EAN 4006381333931) coûte 49,90 € ; commande 12345678."),
        ("de", "Gemäß § 147 AO; Barcode des Pakets: 290916367131; Betrag 1.249,00 EUR am 12.03.2024."),
    ],
)
def test_non_personal_numbers_stay_in_clear_at_the_analyzer(
    analyzer: PresidioDetector, language: str, text: str
) -> None:
    assert analyzer.detect(text, language) == []
