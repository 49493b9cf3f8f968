"""Phone numbers that libphonenumber does not accept (a wrong length for the country, a made-up prefix, a number
typed badly: ``Téléphone : 00/ 970 67 06``, ``Telefon: 0069743383``, ``call X back on (028)9018654``): a
phone-shaped digit run is a PHONE when a phone word labels it. Whether the number would ring does not matter for
privacy: written next to "Téléphone" it is someone's number, typos included.

Phone-shaped (:func:`phone_shaped`): 8 to 15 digits in groups separated by a space, ``.``, ``-``, ``/`` or
parentheses, not glued to a longer code, not a date nor a legal reference ("décret n° 2014-1061"). Labelled: a
phone word (:data:`PHONE_WORDS`, any language: documents mix them) at most :data:`MAX_WORDS_BETWEEN` words before
the number in the same clause (no digit, no line, cell or sentence break, and no word naming another number,
:data:`OTHER_NUMBER_WORDS`, in between: "Appeler pour la commande 12345678" is an order), or among the first words
after it, before any punctuation ("unter 0151 234 zurückrufen"). Table cells reach the detector as
``"<column header> : <cell>"`` (:mod:`privacy.table_context`), so a "Téléphone" column labels its cells. Bare digit
runs without such a word are left to the validating recognizers of :mod:`privacy.recognizers.contact`
(order numbers, barcodes and amounts stay in clear)."""

from __future__ import annotations

import regex  # type: ignore[import-untyped]
from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from privacy.entities import PHONE
from privacy.recognizers.context_ids import is_date, legal_reference_before

#: Below the validating phone recognizers and every precise type (they win where they overlap), above the
#: context-driven IDENTIFIER and the detector's threshold.
SCORE = 0.6
MIN_DIGITS, MAX_DIGITS = 8, 15
MAX_WORDS_BETWEEN = 5  # "Please call Nathan Watson back on ...", "Merci de rappeler Marc de La Tour au ..."
MAX_WORDS_AFTER = 2  # "Bitte X unter 0151 2345 6789 zurückrufen"
WINDOW = 80

#: Nouns and verbs that label a phone number, per language (folded to lower case; a final dot is ignored: "tél.").
PHONE_WORDS_BY_LANGUAGE: dict[str, tuple[str, ...]] = {
    "fr": ("téléphone", "telephone", "tél", "tel", "téléphoner", "portable", "mobile", "fixe", "gsm", "fax",
           "appeler", "appelez", "rappeler", "rappelez", "joignable", "joignables"),
    "en": ("phone", "phones", "telephone", "tel", "mobile", "cell", "cellphone", "landline", "call", "ring",
           "callback", "fax"),
    "de": ("telefon", "telefonnummer", "tel", "handy", "handynummer", "mobil", "mobilnummer", "mobiltelefon",
           "rufnummer", "festnetz", "anrufen", "zurückrufen", "zurückzurufen", "anzurufen", "erreichbar", "fax"),
    "es": ("teléfono", "telefono", "tel", "móvil", "movil", "fijo", "llamar", "llame", "llámenos", "llamarle",
           "telefónico", "fax"),
    "it": ("telefono", "tel", "cellulare", "cell", "chiamare", "richiamare", "telefonare", "telefonico", "fax"),
}  # fmt: skip
#: Any language's words: documents mix them (an English form in a French file).
PHONE_WORDS = frozenset(word for words in PHONE_WORDS_BY_LANGUAGE.values() for word in words)
#: Words naming another kind of number: between a phone word and a digit run, they make it that number.
OTHER_NUMBER_WORDS = frozenset(
    {
        "commande", "facture", "réf", "référence", "ref", "reference", "code", "ean", "code-barres", "colis",
        "montant", "prix", "article", "lot", "siret", "siren", "iban", "tva", "dossier", "ticket",
        "order", "invoice", "parcel", "barcode", "amount", "price", "item", "sku", "batch", "vat",
        "bestellung", "rechnung", "paket", "pakets", "betrag", "preis", "artikel", "art.-nr", "charge",
        "pedido", "factura", "paquete", "importe", "precio", "artículo", "código",
        "ordine", "fattura", "pacco", "importo", "prezzo", "articolo", "codice", "rif",
    }
)  # fmt: skip

_SEP = r"(?:[ \u00a0]?[.\-/][ \u00a0]?|[ \u00a0]|\)[ \u00a0]?[.\-/]?[ \u00a0]?|[ \u00a0]?\()"
#: Possessive quantifiers: a long digit run that is no phone fails at once, without backtracking.
_NUMBER = regex.compile(
    rf"(?<![\w+\-/.,])(?:\+[ \u00a0]?)?(?:\(\+?\d{{1,5}}\)[ \u00a0]?[.\-/]?[ \u00a0]?)?\d++(?:{_SEP}\d++)*+"
    r"(?![\w]|[.,\-/]\d)"
)
#: Line, cell, clause and sentence ends ("." before a capital, not after a title or "Tel.").
_BREAK = regex.compile(
    r"[\n|;!?—–]|\s-\s|(?<!(?:^|[\s(])(?i:tél|tel|mr|mrs|ms|dr|m|mme|st|sr|sra|sig|prof))\.(?=\s+\p{Lu})"
)
_AFTER_BREAK = regex.compile(r"[,:.«»\"]")
_WORD = regex.compile(r"\p{L}[\p{L}'’\-.]*")
_GROUP_SPLIT = regex.compile(r"[^\d]+")


def _words(text: str) -> list[str]:
    return [w.rstrip(".").casefold() for w in _WORD.findall(text)]


def labelled_before(before: str) -> bool:
    """True when ``before`` (the clause before a number) ends with a phone word and at most
    :data:`MAX_WORDS_BETWEEN` other words, none of them naming another number and no digit after it."""
    clause = _BREAK.split(before)[-1]
    words = _WORD.finditer(clause)
    for match in reversed(list(words)):
        between = _words(clause[match.end() :])
        if len(between) > MAX_WORDS_BETWEEN or any(c.isdigit() for c in clause[match.end() :]):
            return False
        if match.group(0).rstrip(".").casefold() in PHONE_WORDS:
            return not any(w in OTHER_NUMBER_WORDS for w in between)
    return False


def labelled_after(after: str) -> bool:
    """True when one of the first :data:`MAX_WORDS_AFTER` words after a number, before any punctuation, is a
    phone word ("unter 0151 234 567 zurückrufen"; not "décret n° 2014-1061, appeler le service")."""
    clause = _AFTER_BREAK.split(_BREAK.split(after)[0])[0]
    head = regex.split(r"\d", clause, maxsplit=1)[0]
    return any(w in PHONE_WORDS for w in _words(head)[:MAX_WORDS_AFTER])


def phone_shaped(value: str) -> bool:
    """8 to 15 digits, balanced parentheses, not a date; not an international ``+CC`` number (libphonenumber knows
    those plans: its verdict stands) nor one ending with a lone digit after longer groups (``06 12 48 73 9``: cut
    short, as :class:`privacy.recognizers.contact.NationalPhoneRecognizer` reads it too)."""
    digits = sum(c.isdigit() for c in value)
    groups = [g for g in _GROUP_SPLIT.split(value) if g]
    cut_short = len(groups) > 1 and len(groups[-1]) == 1 and len(groups[-2]) > 1
    return (
        MIN_DIGITS <= digits <= MAX_DIGITS
        and value.count("(") == value.count(")")
        and not value.startswith("+")
        and not cut_short
        and not is_date(value)
    )


class LabelledPhoneRecognizer(LocalRecognizer):
    """See the module doc."""

    def __init__(self, supported_language: str = "fr") -> None:
        super().__init__(
            supported_entities=[PHONE],
            supported_language=supported_language,
            name=f"LabelledPhoneRecognizer_{supported_language}",
        )

    def load(self) -> None:
        """Nothing to load: the patterns are compiled at import."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if PHONE not in entities:
            return []
        results = []
        for match in _NUMBER.finditer(text):
            start, end = match.span()
            if not phone_shaped(match.group(0)) or legal_reference_before(text, start):
                continue
            if labelled_before(text[max(0, start - WINDOW) : start]) or labelled_after(text[end : end + WINDOW]):
                explanation = AnalysisExplanation(recognizer=type(self).__name__, original_score=SCORE)
                results.append(RecognizerResult(PHONE, start, end, SCORE, explanation))
        return results
