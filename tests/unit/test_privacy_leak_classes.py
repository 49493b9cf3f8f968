"""The classes of raw values the leak scan found stored on dev seeds of the independent set (issue 20), each with
the cases that must stay as they were: towns joined by "-près-", any street form after an address label, first
names with an initial or two hyphens, surnames in capitals after a first name, surnames that are also compound
street endings, short German plates, a colon ending a model's name, titles that are words and not initials, and
two-word names a model tagged as something else (built here as spaCy docs by hand: no model loads)."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from privacy.person_spans import clean_person, has_title
from privacy.recognizers.first_name_person import FirstNamePersonRecognizer, model_missed
from tests.unit.test_privacy_recognizers import found

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("language", "text", "address"),
    [
        ("fr", "Adresse : rue Gubéran\n4394 Joly-près-Monnet — Badge", "rue Gubéran\n4394 Joly-près-Monnet"),
        ("fr", "route du Lac 3, 1094 Corcelles-près-Payerne", "route du Lac 3, 1094 Corcelles-près-Payerne"),
        ("de", "Anschrift: Dussen van-Straße, 10646 Saarbrücken — Kunde", "Dussen van-Straße, 10646 Saarbrücken"),
        ("de", "Anschrift: Dussen vangasse, 71145 Lüneburg; Kundennummer: 1", "Dussen vangasse, 71145 Lüneburg"),
        ("es", "Dirección: Ronda Norte de Abajo 5, 28013 Madrid", "Ronda Norte de Abajo 5, 28013 Madrid"),
    ],
)  # fmt: skip
def test_addresses_after_a_label_and_towns_with_pres(language: str, text: str, address: str) -> None:
    assert ("ADDRESS", address) in found(text, language)


@pytest.mark.parametrize(
    "text",
    [
        "Adresse : voir le contrat de 2024",  # no postcode and town after the label
        "Address: see 12 items",
        "Adresse e-mail : jean@example.org",
    ],
)
def test_an_address_label_alone_makes_no_address(text: str) -> None:
    assert not {h for h in found(text) if h[0] == "ADDRESS"}


@pytest.mark.parametrize(
    ("language", "text", "name"),
    [
        ("de", "Die Erstattung geht auf das Konto von Isolde Kade.", "Isolde Kade"),  # Kade: a Dutch street ending
        ("de", "Das Fahrzeug von Karl-Otto-Oliver Trupp blockierte", "Karl-Otto-Oliver Trupp"),
        ("de", "geht auf das Konto von H.-Dieter Gnatz.", "H.-Dieter Gnatz"),
        ("de", "die Akte von Thomas Berg liegt vor", "Thomas Berg"),
        ("es", "Por favor, llame a Clemente MAS al teléfono", "Clemente MAS"),
    ],
)
def test_first_name_forms(language: str, text: str, name: str) -> None:
    assert ("PERSON", name) in found(text, language)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("de", "Wir treffen uns in der Karl Allee"),  # a street word standing alone
        ("es", "Paseo de Cecilio Landa, 3"),
        ("es", "la factura de Ana IBAN adjunta"),  # an acronym, not a surname
    ],
)
def test_first_name_forms_that_are_no_person(language: str, text: str) -> None:
    assert not {h for h in found(text, language) if h[0] == "PERSON"}


@pytest.mark.parametrize(
    ("plate", "language", "text"),
    [("K-X-8", "de", "Kennzeichen: K-X-8\n"), ("B-AB 123", "de", "Kennzeichen B-AB 123 von")],
)
def test_short_german_plates_after_a_vehicle_word(plate: str, language: str, text: str) -> None:
    assert ("LICENCE_PLATE", plate) in found(text, language)


def test_two_characters_after_a_vehicle_word_are_no_plate() -> None:
    assert not {h for h in found("Kennzeichen: K8\n", "de") if h[0] == "LICENCE_PLATE"}


@pytest.mark.parametrize(
    ("span", "cleaned"),
    [
        ("Kirsty Ball:", "Kirsty Ball"),  # a colon ending the model's span is trimmed, not taken for a label
        ("Contact : Jean Dupont", "Jean Dupont"),  # a label before a colon is still cut off
    ],
)
def test_colons_in_person_spans(span: str, cleaned: str) -> None:
    bounds = clean_person(span, 0, len(span))
    assert bounds is not None and span[bounds[0] : bounds[1]] == cleaned


@pytest.mark.parametrize(
    ("text", "titled"),
    [
        ("Paris. Monsieur Mathieu-Mercier a appelé", True),  # a title word after a capitalised word
        ("Paris. M. Roy a appelé", True),  # an initial-like title after the end of a sentence
        ("Crystal M. Cummings a appelé", False),  # an initial inside a name
    ],
)
def test_titles_and_initials(text: str, titled: bool) -> None:
    start = text.index(" a appelé") - len(text.split(" a appelé", maxsplit=1)[0].rsplit(maxsplit=1)[-1])
    assert has_title(text, start, start) is titled


def _doc(words: list[str], pos: list[str], ents: list[tuple[int, int, str]]) -> Doc:
    glued = {i for i, w in enumerate(words) if w == "-"} | {i - 1 for i, w in enumerate(words) if w == "-"}
    spaces = [i not in glued for i in range(len(words))]  # "Mistry-Morris": no space around the hyphen
    doc = Doc(Vocab(), words=words, pos=pos, spaces=spaces)
    doc.ents = [Span(doc, s, e, label=label) for s, e, label in ents]
    return doc


@pytest.mark.parametrize(
    ("words", "pos", "ents", "name"),
    [
        (["the", "file", "of", "Iain", "Smith", "is", "kept"], ["DET", "NOUN", "ADP", "PROPN", "PROPN", "AUX", "VERB"],
         [(3, 5, "ORG")], "Iain Smith"),
        (["le", "dossier", "de", "Caroline", "Ribeiro", "est"], ["DET", "NOUN", "ADP", "PROPN", "PROPN", "AUX"],
         [(3, 5, "LOC")], "Caroline Ribeiro"),
        (["Please", "call", "Jade", "Ward", "back"], ["INTJ", "VERB", "PROPN", "PROPN", "ADV"], [], "Jade Ward"),
        (["by", "Sophie", "Perry", ":", "National", "Insurance"], ["ADP", "PROPN", "PROPN", "PUNCT", "PROPN", "PROPN"],
         [(1, 6, "ORG")], "Sophie Perry"),
        (["belonging", "to", "Kirsty", "Thorpe", "blocked"], ["VERB", "ADP", "PROPN", "PROPN", "VERB"],
         [(2, 3, "ORG"), (3, 4, "GPE")], "Kirsty Thorpe"),  # the name split into two one-word entities
        (["On", "Monday", ",", "Kirsty", "Mistry", "-", "Morris", "wrote"],
         ["ADP", "PROPN", "PUNCT", "PROPN", "PROPN", "PUNCT", "PROPN", "VERB"],
         [(3, 7, "ORG")], "Kirsty Mistry-Morris"),  # a hyphenated surname is one word
        (["le", "dossier", "de", "Fiona", "Ruelle", "-", "Gillard", "est"],
         ["DET", "NOUN", "ADP", "PROPN", "PROPN", "PUNCT", "PROPN", "AUX"],
         [(3, 5, "MISC")], "Fiona Ruelle-Gillard"),  # the model's entity stops at the hyphen
        ([".", "Teresa", "Burrows", "(", "Loyalty"], ["PUNCT", "PROPN", "NOUN", "PUNCT", "PROPN"], [],
         "Teresa Burrows"),  # a surname that is also a noun, tagged as one
    ],
)  # fmt: skip
def test_two_word_names_the_model_missed(words: list[str], pos: list[str], ents: list, name: str) -> None:
    doc = _doc(words, pos, ents)
    assert name in {doc.text[s:e] for s, e in model_missed(doc)}


@pytest.mark.parametrize(
    ("words", "pos", "ents"),
    [
        (["Our", "Summer", "Collection", "is", "here"], ["PRON", "PROPN", "PROPN", "AUX", "ADV"], [(1, 3, "ORG")]),
        (["by", "Grace", "Kelly", "Studio", "today"], ["ADP", "PROPN", "PROPN", "PROPN", "NOUN"], [(1, 4, "ORG")]),
        (["The", "Staff", "Handbook", "Rose", "Gold"], ["DET", "PROPN", "PROPN", "PROPN", "PROPN"], []),
        (["Marie", "Curie"], ["PROPN", "PROPN"], [(0, 2, "PER")]),  # the model's own person: left to it
        (["at", "Rose", "Hill", "Park", "today"], ["ADP", "PROPN", "PROPN", "PROPN", "NOUN"], [(1, 2, "ORG")]),
        (
            ["by", "Grace", "Kelly", "-", "Smith", "Studio"],
            ["ADP", "PROPN", "PROPN", "PUNCT", "PROPN", "PROPN"],
            [(1, 6, "ORG")],
        ),  # three words, the hyphenated one counted once
    ],
)
def test_what_stays_an_organisation_or_a_title(words: list[str], pos: list[str], ents: list) -> None:
    doc = _doc(words, pos, ents)
    recognizer = FirstNamePersonRecognizer("en", has_model=True)

    class Artifacts:
        tokens = doc

    results = recognizer.analyze(doc.text, ["PERSON"], Artifacts())  # type: ignore[arg-type]
    assert not results


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("the file of Janice Hill is kept for three years", "Janice Hill"),  # the model calls it a facility
        ("The refund goes to the account in the name of Jordan Hall.", "Jordan Hall"),
        ("Please ask Penny Lane to call back", "Penny Lane"),
        ("the file of Forest Hill is kept", None),  # a first word that names a place or a colour
        ("Meet us at Victoria Park today", None),  # a place preposition before it
        ("Tickets for the Albert Hall are sold out", None),  # an article before it
        ("Deliver to 6 Thomas Mill, New Maureenberg", None),  # a house number before it
        ("the file of Jordan Hall Road is kept", None),  # a capitalised word after it
        ("the file of Janice Park store is kept", None),  # a place noun after it
    ],
)
def test_a_place_word_is_a_surname_only_where_the_text_reads_as_a_person(text: str, name: str | None) -> None:
    words = text.replace(",", " ,").replace(".", " .").split()
    first = next(
        i for i, w in enumerate(words) if w in ("Janice", "Jordan", "Penny", "Forest", "Victoria", "Albert", "Thomas")
    )
    pos = ["PROPN" if w[:1].isupper() else "NOUN" for w in words]
    doc = _doc(words, pos, [(first, first + 2, "FAC")])
    recognizer = FirstNamePersonRecognizer("en", has_model=True)

    class Artifacts:
        tokens = doc

    results = recognizer.analyze(doc.text, ["PERSON"], Artifacts())  # type: ignore[arg-type]
    assert [doc.text[r.start : r.end] for r in results] == ([name] if name else [])
