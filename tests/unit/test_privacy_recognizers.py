"""Recognizers: valid and invalid inputs side by side, pure regex + checksum (no spaCy model)."""

from __future__ import annotations

import pytest
from presidio_analyzer import EntityRecognizer

from privacy.allow_list import load_allow_list
from privacy.errors import PatternConfigurationError
from privacy.presidio_detector import PresidioDetector
from privacy.recognizers.build import build_recognizers
from privacy.recognizers.checksums import (
    avs_ok,
    belgian_nn_ok,
    cif_ok,
    codice_fiscale_ok,
    dni_ok,
    gtin_ok,
    iban_ok,
    luhn_ok,
    nir_key,
    nir_ok,
    siret_ok,
)
from privacy.recognizers.company_ids import loyalty_card_recognizer
from privacy.settings import PrivacySettings

pytestmark = pytest.mark.unit
THRESHOLD = PrivacySettings().score_threshold


def found(text: str, language: str = "fr") -> set[tuple[str, str]]:
    """(type, text) of every match at or above the threshold, before context words and overlap resolution."""
    out = set()
    for recognizer in build_recognizers(PrivacySettings(), language):
        assert isinstance(recognizer, EntityRecognizer)
        for r in recognizer.analyze(text, recognizer.supported_entities, None):
            if r.score >= THRESHOLD:
                out.add((r.entity_type, text[r.start : r.end]))
    return out


@pytest.mark.parametrize(
    ("entity", "valid", "invalid"),
    [
        ("NIR", "NIR 1 92 04 75 112 034 78 au dossier", "NIR 1 92 04 75 112 034 77 au dossier"),  # key
        ("NIR", "n° 185072B03312717 (Corse)", "n° 185072B03312716 (Corse)"),  # 2B -> 18 for the key
        ("NIR", "sécu 2 79 11 2A 004 318 07", "sécu 2 79 13 2A 004 318 07"),  # month 13
        ("SIRET", "SIRET 412 857 369 00018", "SIRET 412 857 369 00019"),  # Luhn
        ("SIRET", "SIRET 356 000 000 00015 (La Poste)", "SIRET 356 000 000 00016 (La Poste)"),  # digit sum % 5
        ("IBAN", "IBAN FR76 3000 4028 3700 0104 5678 997.", "IBAN FR76 3000 4028 3700 0104 5678 998."),
        ("IBAN", "IBAN DE89370400440532013000 ok", "IBAN DE89370400440532013001 ok"),
        ("IBAN", "IBAN BE71 0961 2345 6769", "IBAN BE71 0961 2345 6768"),
        ("CREDIT_CARD", "carte 4974 0123 5678 9015 refusée", "carte 4974 0123 5678 9016 refusée"),  # Luhn
        ("CREDIT_CARD", "card 3782 822463 10005", "card 3782 822463 10006"),  # Amex 4-6-5
        ("PHONE", "tél. 06 12 48 73 95.", "tél. 06 12 48 73 9."),
        ("PHONE", "tél. 06.12.48.73.95", "réf. 06.12.48.73.95.12"),
        ("PHONE", "appeler le +33 6 74 21 58 03", "appeler le +33 6 74 21 58"),
        ("PHONE", "Brussels +32 2 512 34 56", "Brussels +32 2 512"),
        ("PHONE", "Zürich +41 44 211 56 78", "Zürich +41 44 211"),
        ("PHONE", "Dublin +353 87 214 5639", "Dublin +3 87"),
        ("EMAIL", "écrire à sophie.marchand@maison-lumiere.fr.", "écrire à sophie.marchand@maison-lumiere"),
        ("EMAIL", "mail: k.benali92@mailo-perso.fr", "mail: k.benali92@mailo-perso.notatld"),
        ("ADDRESS", "demeurant 12 rue des Lilas, 69003 Lyon.", "demeurant rue des Lilas à Lyon."),
        ("ADDRESS", "au 8 bis avenue Jean Jaurès 75019 Paris", "au 8 bis avenue Jean Jaurès à Paris"),
        ("ADDRESS", "adresse : 45 boulevard de la Libération\n13001 Marseille", "45 personnes, 13001 Marseille"),
        ("ADDRESS", "12 chemin des vignes, 84000 avignon", "12 chemins des vignes, 84000 avignon"),
        ("LICENCE_PLATE", "code GH-482-LM garé", "code GH-482-LMX garé"),  # SIV shape (any plate after "véhicule")
        ("LICENCE_PLATE", "code AB 123 CD", "code AB 123-CD"),
        ("LOYALTY_CARD", "carte CL-4820193755", "carte CL-48201937"),
        ("EMPLOYEE_ID", "matricule EMP-004217", "matricule EMP-0042"),
        ("PERSON", "reçu par Mme Van Damme hier", "reçu par Van Damme hier"),
        ("PERSON", "BENALI Karim a signé", "IBAN Karim a signé"),
        ("PERSON", "Marie-Pierre SANTONI est mutée", "Voir YSL Beauté"),
    ],
)
def test_valid_and_invalid_side_by_side(entity: str, valid: str, invalid: str) -> None:
    types = {t for t, _ in found(valid)}
    assert entity in types, f"{entity} not found in the valid example"
    assert entity not in {t for t, _ in found(invalid)}, f"{entity} found in the invalid example"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 rue des Lilas, 69003 Lyon est fermé", "12 rue des Lilas, 69003 Lyon"),
        ("8 bis avenue Jean Jaurès 75019 Paris", "8 bis avenue Jean Jaurès 75019 Paris"),
        ("3 place du Marché 13100 Aix-en-Provence", "3 place du Marché 13100 Aix-en-Provence"),
        ("5 allée des Tilleuls, 42000 Saint-Étienne, France", "5 allée des Tilleuls, 42000 Saint-Étienne"),
    ],
)
def test_address_spans_end_with_the_city(text: str, expected: str) -> None:
    assert ("ADDRESS", expected) in found(text)


def test_digit_groups_inside_an_iban_are_not_phones_of_their_own() -> None:
    hits = found("IBAN FR76 3000 4028 3700 0104 5678 997")
    assert ("IBAN", "FR76 3000 4028 3700 0104 5678 997") in hits
    assert not {h for h in hits if h[0] == "PHONE"}


def test_digit_groups_inside_a_nir_are_not_a_phone() -> None:
    assert not {h for h in found("NIR 2 79 11 2A 004 318 07") if h[0] == "PHONE"}


def test_old_plates_and_siren_need_a_context_word() -> None:
    """Without the analyzer's context words, the old FNI plate and a bare SIREN stay below the threshold; right
    after a vehicle word, any plate shape is one."""
    assert not {h for h in found("lot 123 ABC 75") if h[0] == "LICENCE_PLATE"}
    assert ("LICENCE_PLATE", "123 ABC 75") in found("camion 123 ABC 75")
    assert not {h for h in found("RCS 412 857 369") if h[0] == "SIREN"}


def test_every_language_gets_every_pattern_recognizer() -> None:
    for lang in ("fr", "en", "de", "es", "it"):
        assert ("IBAN", "DE89370400440532013000") in found("IBAN DE89370400440532013000", lang)


@pytest.mark.parametrize(
    ("check", "good", "bad"),
    [
        (luhn_ok, "4974012356789015", "4974012356789016"),
        (siret_ok, "41285736900018", "41285736900019"),
        (siret_ok, "412857369", "412857368"),
        (iban_ok, "FR7630004028370001045678997", "FR7630004028370001045678979"),
        (nir_ok, "192047511203478", "192047511203479"),
        (nir_ok, "279112A00431807", "279112B00431807"),  # the same digits in 2B have another key
        (gtin_ok, "4006381333931", "4006381333932"),
        (dni_ok, "12345678Z", "12345678A"),
        (dni_ok, "X1234567L", "X1234567M"),
        (cif_ok, "B12345674", "B12345675"),
        (codice_fiscale_ok, "RSSMRA85T10A562S", "RSSMRA85T10A562T"),
        (belgian_nn_ok, "85073003328", "85073003329"),
        (avs_ok, "7569217076985", "7569217076986"),
    ],
)
def test_checksums(check: object, good: str, bad: str) -> None:
    assert callable(check)
    assert check(good) is True
    assert check(bad) is False


def test_nir_key_uses_corsica_substitution() -> None:
    assert nir_key("2791119004318") == nir_key("279112A004318")


def test_a_bad_configured_pattern_names_the_setting() -> None:
    with pytest.raises(PatternConfigurationError, match="loyalty_card_pattern"):
        loyalty_card_recognizer(r"CL-(\d{10}", "fr")


@pytest.mark.parametrize(
    ("language", "entity", "valid", "invalid"),
    [
        # cards: 12-19 digits, Luhn; 12-13 digits and GTIN barcodes only with a card word (context: analyzer level)
        ("fr", "CREDIT_CARD", "carte 3782 822463 10005 refusée", "carte 3782 822463 10006 refusée"),
        ("de", "CREDIT_CARD", "Karte 6011-0009-9013-9424", "Karte 6011-0009-9013-9425"),
        ("en", "CREDIT_CARD", "card 4111111111111111110 ok", "card 4111111111111111112 ok"),  # Visa 19
        ("fr", "CREDIT_CARD", "carte 3024 082538 1318", "carte 3024 082538 1317"),  # Diners 4-6-4
        # national ids: check digits
        ("es", "NATIONAL_ID", "DNI 12345678Z", "DNI 12345678A"),
        ("es", "NATIONAL_ID", "NIE X1234567L", "NIE X1234567M"),
        ("it", "NATIONAL_ID", "CF RSSMRA85T10A562S", "CF RSSMRA85T10A562T"),
        ("fr", "NATIONAL_ID", "AVS 756.9217.0769.85", "AVS 756.9217.0769.86"),
        ("fr", "NATIONAL_ID", "NN 85.07.30-033.28", "NN 85.07.30-033.29"),
        ("en", "NATIONAL_ID", "NI number AB 12 34 56 C", "NI number AB 12 34 56 E"),
        ("de", "COMPANY_ID", "USt-IdNr. DE136695976", "USt-IdNr. DE13669597"),
        ("fr", "COMPANY_ID", "TVA CHE-123.456.788", "TVA CHE-123.456"),
        # national phone formats of the language's countries
        ("de", "PHONE", "Telefon 030 901820 17", "Telefon 030 9"),
        ("en", "PHONE", "phone (0113) 496 0123", "phone (0113) 496"),
        ("fr", "PHONE", "tél. 079 360 83 77 (Lausanne)", "tél. 079 360 83 7 (Lausanne)"),
        ("it", "PHONE", "telefono 06 6988 4857", "telefono 06 69"),
        # addresses: without a house number, number after the street, boxes, foreign street forms
        ("fr", "ADDRESS", "avenue de la République, 75011 Paris", "avenue de la République à Paris"),
        ("fr", "ADDRESS", "BP 1234, 69001 LYON CEDEX", "BP 1234 LYON"),
        ("fr", "ADDRESS", "Lieu-dit Les Granges, 24200 Sarlat", "le lieu-dit Les Granges"),
        ("fr", "ADDRESS", "Rue de la Loi 16, 1000 Bruxelles", "Rue de la Loi 16 à Bruxelles"),
        ("de", "ADDRESS", "Lindenstraße 5\n10115 Berlin", "Lindenstraße 5 in Berlin"),
        ("es", "ADDRESS", "Calle Mayor 12, 28013 Madrid", "Calle Mayor 12 en Madrid"),
        ("it", "ADDRESS", "Via Roma, 12 Piano 2, 00184 Roma (RM)", "Via Roma a Roma"),
        ("en", "ADDRESS", "12 High Street, Oxford, OX1 4AA", "12 High Street, Oxford"),
        # identifiers after a context word, whatever their format; legal references and dates kept
        ("fr", "IDENTIFIER", "Carte fidélité n° 4417-8812-09", "Conformément au décret n° 2014-1061"),
        ("de", "IDENTIFIER", "Kundennummer: K 99812734", "Verordnung (EU) Nr. 2016/679"),
        ("en", "IDENTIFIER", "Member ID MB/77812-A", "contract of 12/03/2024"),
        ("es", "IDENTIFIER", "N.º de socio 88-1203-77", "Ley Orgánica 3/2018, n.º 1234567"),
        ("it", "IDENTIFIER", "Codice cliente: CL 5521034", "art. 2220 n. 123456"),
        ("fr", "IDENTIFIER", "Dossier n° A 91-6000", "dossier de 12 pages"),
        # a person after a form label, not the next label
        ("fr", "PERSON", "Nom : Loiseau\nPrénom : Renée", "Nom : 12 rue"),
        ("de", "PERSON", "Nachname: von der Heide", "Nachname:"),
    ],
)
def test_new_recognizers_valid_and_invalid_side_by_side(language: str, entity: str, valid: str, invalid: str) -> None:
    assert entity in {t for t, _ in found(valid, language)}, f"{entity} not found in the valid example"
    assert entity not in {t for t, _ in found(invalid, language)}, f"{entity} found in the invalid example"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("livraison : rue Victor Hugo, 69002 Lyon.", ("ADDRESS", "rue Victor Hugo, 69002 Lyon")),
        ("CS 70001, 59650 VILLENEUVE-D'ASCQ CEDEX 9", ("ADDRESS", "CS 70001, 59650 VILLENEUVE-D'ASCQ CEDEX 9")),
        ("Carte fidélité n° 4417-8812-09.", ("IDENTIFIER", "4417-8812-09")),
        ("Kennzeichen B-AB 1234 gesehen", ("LICENCE_PLATE", "B-AB 1234")),
        ("targa AB 123 CD", ("LICENCE_PLATE", "AB 123 CD")),
    ],
)
def test_spans_of_the_new_forms(text: str, expected: tuple[str, str]) -> None:
    assert expected in found(text)


def test_gtin_barcodes_and_short_cards_need_a_card_word_at_the_analyzer() -> None:
    """Recognizer level: a valid EAN-13 that also passes Luhn, a 12-digit Maestro, a 14-digit run (SIRET shape)
    keep the pattern's low score (raised by a card word in the analyzer), a 16-digit card does not need one."""
    assert not {h for h in found("code 501812345673") if h[0] == "CREDIT_CARD"}  # 12 digits, Luhn-valid
    assert not {h for h in found("EAN 4006380000094") if h[0] == "CREDIT_CARD"}  # a GTIN-13
    assert ("CREDIT_CARD", "4111 1111 1111 1111") in found("code 4111 1111 1111 1111")


def test_a_valid_cif_waits_for_a_company_word() -> None:
    """A valid CIF keeps the pattern's score (the analyzer's context words "CIF", "NIF"... raise it); an invalid
    one is dropped."""
    from privacy.recognizers.national_ids import SpanishCifRecognizer

    recognizer = SpanishCifRecognizer("es")
    assert [r.score for r in recognizer.analyze("CIF B12345674", ["COMPANY_ID"], None)] == [0.4]
    assert recognizer.analyze("CIF B12345675", ["COMPANY_ID"], None) == []


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
        ("es", "Teléfono: 912 345 678", ("PHONE", "912 345 678"), None),
        ("es", "Pedido 912 345 678", None, ("PHONE", "912 345 678")),  # a bare Spanish number needs a phone word
        ("fr", "carte 5018 1234 5673", ("CREDIT_CARD", "5018 1234 5673"), None),  # 12-digit Maestro
        ("fr", "réf. 5018 1234 5673", None, ("CREDIT_CARD", "5018 1234 5673")),
        ("fr", "EAN 4006380000094 en rayon", None, ("CREDIT_CARD", "4006380000094")),  # GTIN-13, Luhn-valid
        ("fr", "CB 30240825381318", ("CREDIT_CARD", "30240825381318"), None),  # Diners run beats the SIRET shape
        ("fr", "SIRET 73282932000074", ("SIRET", "73282932000074"), None),
        ("es", "CIF B12345674", ("COMPANY_ID", "B12345674"), None),
        ("fr", "N° client : 55 2201 77", ("IDENTIFIER", "55 2201 77"), None),
        ("fr", "Carte fidélité CL-4820193755", ("LOYALTY_CARD", "CL-4820193755"), None),  # the precise type wins
        ("fr", "Modèle n° AC-JEA-SL01-BRU", None, ("IDENTIFIER", "AC-JEA-SL01-BRU")),  # a catalogue reference
        ("fr", "Modèle n° AC-XYZ-9999-ABC", ("IDENTIFIER", "AC-XYZ-9999-ABC"), None),  # not in the catalogue
    ],
)
def test_context_and_precedence_at_the_analyzer(
    analyzer: PresidioDetector,
    language: str,
    text: str,
    expected: tuple[str, str] | None,
    absent: tuple[str, str] | None,
) -> None:
    spans = {(s.entity_type, s.text) for s in analyzer.detect(text, language)}
    if expected:
        assert expected in spans
    if absent:
        assert absent not in spans
