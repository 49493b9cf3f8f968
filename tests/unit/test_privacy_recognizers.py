"""Recognizers: valid and invalid inputs side by side, pure regex + checksum (no spaCy model)."""

from __future__ import annotations

import pytest
from presidio_analyzer import EntityRecognizer

from privacy.errors import PatternConfigurationError
from privacy.recognizers.build import build_recognizers
from privacy.recognizers.checksums import iban_ok, luhn_ok, nir_key, nir_ok, siret_ok
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
        ("SIRET", "SIRET 35600000000015 (La Poste)", "SIRET 35600000000016 (La Poste)"),  # digit sum % 5
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
        ("LICENCE_PLATE", "véhicule GH-482-LM garé", "véhicule GH-482-LMX garé"),
        ("LICENCE_PLATE", "plaque AB 123 CD", "plaque AB 123-CD"),
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
    """Without the analyzer's context words, the old FNI plate and a bare SIREN stay below the threshold."""
    assert not {h for h in found("camion 123 ABC 75") if h[0] == "LICENCE_PLATE"}
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
