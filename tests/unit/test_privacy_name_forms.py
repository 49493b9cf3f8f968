"""Names the patterns find without a name model (issue 20): after a known first name (de, es, it; compound first
names and particles only where a model exists), after a form label (short surnames in capitals included), after a
title with a particle, surnames in capitals with particles; and the spans that are no name (saints' places,
streets, field labels). Also: a name remembered from one text is not forced into a longer entity of another, and
recognizers can be left out by name."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from presidio_analyzer import EntityRecognizer
from presidio_analyzer.nlp_engine import NlpArtifacts

from assistant.core.errors import ConfigurationError
from assistant.settings import load_settings
from privacy.boundary import PrivacyBoundary
from privacy.keys import Secret
from privacy.nlp import blank_pipeline
from privacy.person_spans import clean_person, implausible_name
from privacy.ports import PiiSpan
from privacy.presidio_detector import PlausibleSpacyRecognizer, PresidioDetector
from privacy.pseudonymizer import HmacPseudonymizer
from privacy.recognizers.build import build_recognizers, factories
from privacy.recognizers.first_name_person import FirstNamePersonRecognizer
from privacy.recognizers.names import PATTERN_RECOGNIZERS
from privacy.settings import PrivacySettings
from privacy.vault import SqliteVault

pytestmark = pytest.mark.unit


def names(text: str, language: str) -> set[str]:
    """PERSON matches of the pattern recognizers at or above the threshold (default settings: fr, en have NER)."""
    out = set()
    for recognizer in build_recognizers(PrivacySettings(), language):
        assert isinstance(recognizer, EntityRecognizer)
        for r in recognizer.analyze(text, ["PERSON"], None):
            if r.entity_type == "PERSON" and r.score >= PrivacySettings().score_threshold:
                out.add(text[r.start : r.end])
    return out


@pytest.mark.parametrize(
    ("language", "text", "name"),
    [
        ("de", "Bitte Korinna Davids unter 0151 234 zurückrufen", "Korinna Davids"),
        ("de", "wird die Akte von Albina von der Etzold drei Jahre aufbewahrt", "Albina von der Etzold"),
        ("es", "El coche de Rómulo de la Castilla bloqueaba el muelle", "Rómulo de la Castilla"),
        ("es", "de María Del Carmen de la Barceló bloqueaba", "María Del Carmen de la Barceló"),  # overlaps merged
        ("es", "Leonel Manjón García bloqueaba el muelle", "Leonel Manjón García"),  # two surnames
        ("it", "Richiamare Mauro Da Scalera al telefono", "Mauro Da Scalera"),
        ("it", "Il 10/11/2024, Bruno-Arnulfo Gatto ha scritto", "Bruno-Arnulfo Gatto"),
        ("fr", "le dossier de Aurore-Dorothée du Raynaud est conservé", "Aurore-Dorothée du Raynaud"),
        ("fr", "ouvert au nom de Odette-Margaret Cohen.", "Odette-Margaret Cohen"),
        ("fr", "ouvert au nom de Valérie d'Grégoire.", "Valérie d'Grégoire"),
        ("es", "Sra. de Naranjo llamó al servicio", "de Naranjo"),  # a particle after a title
        ("es", "Ramón DE LA VALERO | +34 922 65 32 06", "Ramón DE LA VALERO"),  # particles in capitals
        ("fr", "DE LA BÉGUELIN Emilie | +41 22 433 95 61", "DE LA BÉGUELIN Emilie"),
        ("fr", "Nom : REY\nPrénom : Sara", "REY"),  # a short surname in capitals after a label
        ("es", "Apellidos: DE PAZ\nNombre: Rómulo", "DE PAZ"),
        ("de", "Nachname : Klaus-D. Liebelt", "Klaus-D. Liebelt"),  # an initial in a compound first name
        ("en", "Surname: Stephens\nFirst name: Gary", "Stephens"),
        ("de", "Nachname: Janin genannt Schlauch; Telefon: 030 1234", "Janin genannt Schlauch"),  # an alias word
        ("de", "Nachname: Mohammad Dussen van-Weitzel; Telefon: 030", "Mohammad Dussen van-Weitzel"),
        ("de", "Nachname: Cosima Koch II-Gertz; Telefon: 030", "Cosima Koch II-Gertz"),  # capitals, then not
        ("fr", "Nom : Anne MARTIN-Leroy ; Téléphone : 01", "Anne MARTIN-Leroy"),
        ("de", "Name : Hans D. Nette", "Hans D. Nette"),  # a middle initial, a table cell under its header
        ("de", "die Akte von Hans D. Nette liegt vor", "Hans D. Nette"),
        ("es", "El coche de Chus Cuesta bloqueaba el muelle", "Chus Cuesta"),  # a street type as a surname
        ("es", "Documento aportado por Maribel del Villa: DNI", "Maribel del Villa"),
        ("fr", "Pièce fournie par Jessica-Lyam Collard : Numéro", "Jessica-Lyam Collard"),  # one part known
        ("fr", "le dossier de Marie-Ange-Geoffrey d'Lecocq est conservé", "Marie-Ange-Geoffrey d'Lecocq"),
        ("de", "Das Auto mit dem Kennzeichen AW-C-62 von Mijo Kaul blockierte", "Mijo Kaul"),  # no "C/" street
        ("de", "Annita Grein Groth (Kundennummer 123) rief an", "Annita Grein Groth"),  # two surnames, then "("
        ("it", "Cognome: Santi\nNome: Luciano", "Santi"),  # a saint's word alone is a surname
        ("de", "- Nachname: Zoltan genannt Schlau — Telefon: 030", "Zoltan genannt Schlau"),  # a dash ends the field
        ("it", "L'auto di Michela DA FOÀ bloccava la baia", "Michela DA FOÀ"),  # a particle before a short surname
        ("de", "die Akte von Beverley Green liegt vor", "Beverley Green"),  # a colour word is a surname too
    ],
)
def test_name_forms(language: str, text: str, name: str) -> None:
    assert name in names(text, language)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("it", "consegnerà Lumière Maison a Santa Maria In Strada il 22/12/2023"),  # places named after saints
        ("it", "consegnerà a San Martino Dall'Argine il 02/10/2023"),
        ("es", "la dirección es Paseo de Cecilio Landa 468, Zamora"),  # a street named after a person
        ("fr", "Marc Laporte a appelé"),  # where a model exists, plain "First Last" is the model's
        ("en", "6 Thomas Mill, New Maureenberg"),
        ("fr", "Monsieur le Directeur a signé."),  # "le" after a title is no surname particle
        ("fr", "Nom : TVA"),  # an acronym after a label
        ("de", "Der Lieferant liefert die Bestellung am 12.03.2024 nach Bad Homburg."),
        ("es", "La dirección es Cuesta de San Vicente 12, Madrid"),  # a street type that opens a street
        ("es", "Entregar a Rosa Calle Mayor 5"),  # a first name before a street, not a surname
        ("en", "by Grace Kelly-Smith Studio today"),  # a compound first name before an organisation word
        ("en", "The bag comes in Rose Gold and in Olive Green."),  # colours of a product
        ("fr", "La BDES est mise à disposition du CSE."),  # an article before an acronym
        ("de", "Die IHK prüft den Antrag."),
    ],
)
def test_no_name_here(language: str, text: str) -> None:
    assert names(text, language) == set()


def test_a_second_surname_only_where_the_name_ends() -> None:
    """German capitalises nouns: a capitalised word after a name is a second surname only before punctuation."""
    assert names("Heute hat Anna Schmidt Kaffee gekocht.", "de") == {"Anna Schmidt"}
    assert names("Heute hat Anna Schmidt Kaffee.", "de") == {"Anna Schmidt Kaffee"}  # the cost of the rule


def test_the_first_name_recognizer_needs_a_known_first_name() -> None:
    recognizer = FirstNamePersonRecognizer("de", has_model=False)
    assert recognizer.analyze("die Akte von Ursel Albers", ["PERSON"]) != []
    assert recognizer.analyze("die Akte von Kessel Albers", ["PERSON"]) == []  # "Kessel" is no first name


@pytest.mark.parametrize(
    ("span", "cleaned", "implausible"),
    [
        ("Adresse : Josephhof", "Josephhof", False),  # a field label is cut off
        ("Contact : Jean Dupont", "Jean Dupont", False),
        ("Member ID RC", "RC", False),  # identifier label words are cut off
        ("Customer Ernest B. Scott", "Ernest B. Scott", False),
        ("Saint Martin", "Saint Martin", True),  # a place named after a saint
        ("Valérie d'Grégoire", "Valérie d'Grégoire", False),  # an elided particle
        ("d'Bonvini", "d'Bonvini", False),
    ],
)
def test_person_span_shaping(span: str, cleaned: str, implausible: bool) -> None:
    bounds = clean_person(span, 0, len(span))
    assert bounds is not None and span[bounds[0] : bounds[1]] == cleaned
    assert implausible_name(span, *bounds) is implausible


def test_a_name_after_sant_apostrophe_is_a_place() -> None:
    text = "consegnerà a Sant'Angelo In Grotte il 12/03/2024"
    start = text.index("Angelo")
    assert implausible_name(text, start, start + len("Angelo In Grotte"))


def test_model_spans_that_are_no_name_are_dropped_before_they_hide_a_pattern_name() -> None:
    """A model span across a table cell would make Presidio drop the pattern's name inside it, then be dropped
    itself by post-processing: the recognizer leaves it out from the start."""
    text = "Dominique DE DE CLERCQ | +3264-7825988 ; Jean Dupont"
    doc = blank_pipeline("fr")(text)
    doc.ents = [
        doc.char_span(0, text.index(" ;"), label="PERSON"),
        doc.char_span(text.index("Jean"), len(text), "PERSON"),
    ]
    artifacts = NlpArtifacts(list(doc.ents), doc, [t.idx for t in doc], [t.lemma_ for t in doc], None, "fr", [0.85] * 2)  # type: ignore[arg-type]
    recognizer = PlausibleSpacyRecognizer(
        supported_language="fr", supported_entities=["PERSON"], name="SpacyRecognizer"
    )
    assert [text[r.start : r.end] for r in recognizer.analyze(text, ["PERSON"], artifacts)] == ["Jean Dupont"]


class ScriptedDetector:
    """Finds, in each exact text, the values it is told (a fake of the PiiDetector port)."""

    supported_languages = ("fr",)

    def __init__(self, script: dict[str, list[tuple[str, str]]]) -> None:
        self.script = script

    def detect(self, text: str, language: str) -> list[PiiSpan]:
        return [
            PiiSpan(t, m.start(), m.end(), 1.0, value)
            for value, t in self.script.get(text, [])
            for m in re.finditer(re.escape(value), text)
        ]

    def detect_batch(self, texts: Sequence[str], language: str) -> list[list[PiiSpan]]:
        return [self.detect(t, language) for t in texts]


def test_a_remembered_name_does_not_break_a_longer_entity(tmp_path: Path) -> None:
    """A name found in one batch is applied to later ones after detection: inside an address it stays part of the
    address's token; alone (the detector missed it) it still gets the name's token."""
    call, address, again = (
        "Merci de rappeler Marc Laporte au 01 39 57 57 13.",
        "Adresse : rue Marc Laporte, 29831 Guyot-les-Bains",
        "Marc Laporte a rappelé.",
    )
    detector = ScriptedDetector(
        {call: [("Marc Laporte", "PERSON")], address: [("rue Marc Laporte, 29831 Guyot-les-Bains", "ADDRESS")]}
    )
    key = Secret(bytes(range(32)))
    vault = SqliteVault(tmp_path / "vault.sqlite", Secret(b"V" * 32), Secret(b"I" * 32))
    boundary = PrivacyBoundary(HmacPseudonymizer(detector, key), detector, vault, key, reidentify_roles=())
    try:
        first, second, third = (boundary.protect([text], ["fr"])[0].text for text in (call, address, again))
    finally:
        boundary.close()
    person = re.search(r"<PERSON_\w+>", first)
    assert person is not None
    assert re.fullmatch(r"Adresse : <ADDRESS_\w+>", second), second
    assert third == f"{person.group(0)} a rappelé."


def test_an_identifier_found_after_its_label_is_replaced_where_a_chunk_cut_the_label_off(tmp_path: Path) -> None:
    """A chunk's overlap may start right before a value, without the label the detector needs: the value found
    in the previous chunk is replaced there too, with its own type; short numbers are not remembered."""
    labelled, cut, short = "Member ID AB-123456 disputes a charge", "AB-123456) disputes a charge", "Room 12, 2024"
    detector = ScriptedDetector({labelled: [("AB-123456", "IDENTIFIER")], short: [("2024", "IDENTIFIER")]})
    key = Secret(bytes(range(32)))
    vault = SqliteVault(tmp_path / "vault.sqlite", Secret(b"V" * 32), Secret(b"I" * 32))
    boundary = PrivacyBoundary(HmacPseudonymizer(detector, key), detector, vault, key, reidentify_roles=())
    try:
        first, second = boundary.protect([labelled, cut], ["en", "en"])
        assert "2024" not in boundary.protect([short], ["en"])[0].text  # detected there, after its label
        later = boundary.protect(["Year 2024"], ["en"])[0].text
    finally:
        boundary.close()
    token = re.search(r"<IDENTIFIER_\w+>", first.text)
    assert token is not None and second.text == f"{token.group(0)}) disputes a charge"
    assert token.group(0) in second.tokens
    assert later == "Year 2024"  # four digits: a year, not remembered


@pytest.mark.parametrize(
    ("found", "later", "remembered"),
    [
        ("Marc Laporte", "Marc Laporte a rappelé.", True),
        ("Anne d'Ormesson", "Anne d'Ormesson a rappelé.", True),  # an elided particle holds the surname
        ("Pablo de la Fuente", "Pablo de la Fuente a rappelé.", True),
        ("de France", "la Banque de France a rappelé.", False),  # one name word: taken for a name once is enough
        ("de la Fuente", "de la Fuente a rappelé.", False),
        ("Rose", "Rose a rappelé.", False),
    ],
)
def test_a_name_is_remembered_when_it_has_two_words_besides_its_particles(
    tmp_path: Path, found: str, later: str, remembered: bool
) -> None:
    first = f"Consul : {found}."
    detector = ScriptedDetector({first: [(found, "PERSON")]})
    key = Secret(bytes(range(32)))
    vault = SqliteVault(tmp_path / "vault.sqlite", Secret(b"V" * 32), Secret(b"I" * 32))
    boundary = PrivacyBoundary(HmacPseudonymizer(detector, key), detector, vault, key, reidentify_roles=())
    try:
        assert found not in boundary.protect([first], ["fr"])[0].text
        again = boundary.protect([later], ["fr"])[0].text
    finally:
        boundary.close()
    assert (found not in again) is remembered, again


def test_disabled_recognizers_are_left_out() -> None:
    assert tuple(factories()) == PATTERN_RECOGNIZERS  # the names the settings accept are the ones built
    settings = PrivacySettings(disabled_recognizers=["LabelledPhoneRecognizer", "LoyaltyCardRecognizer"])
    built = {r.name.rsplit("_", 1)[0] for r in build_recognizers(settings, "fr")}
    assert built == set(PATTERN_RECOGNIZERS) - {"LabelledPhoneRecognizer", "LoyaltyCardRecognizer"}
    detector = PresidioDetector(PrivacySettings(spacy_models={}, disabled_recognizers=["LabelledPhoneRecognizer"]))
    assert detector.detect("Téléphone : 00/ 970 67 06", "fr") == []
    assert PresidioDetector(PrivacySettings(spacy_models={})).detect("Téléphone : 00/ 970 67 06", "fr") != []


def test_an_unknown_recognizer_name_is_a_configuration_error_naming_the_valid_ones() -> None:
    with pytest.raises(ConfigurationError, match=r"unknown recognizer\(s\) \['PhoneRecogniser'\].*PhoneRecognizer"):
        load_settings(privacy={"disabled_recognizers": ["PhoneRecogniser"]})
