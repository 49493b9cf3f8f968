"""Context-driven identifiers: an ID-like token right after an identifier's context word is personal data whatever
its format ("Carte fidélité n° 4417-88", "Kundennummer: K 99812734", "Member ID MB/77812-A").

A token is digits, or letters and digits with separators (``-``, ``/``, ``.``, a space before digits), with at
least 6 letters or digits and at least one digit. Kept in clear: dates and year ranges, legal references (a law,
decree or article word just before: "décret n° 2014-1061", "Verordnung Nr. 2016/679"), and (in
:mod:`privacy.postprocess`) catalogue references and SKUs of the allow-list. The precise types (loyalty cards and
employee ids from the settings, cards, phones, IBANs...) score higher and win where both match."""

from __future__ import annotations

import regex  # type: ignore[import-untyped]
from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from privacy.entities import IDENTIFIER
from privacy.recognizers.base import IGNORE_CASE

SCORE = 0.55  # below every precise type, above the detector's threshold
MIN_CHARS, MAX_CHARS = 6, 40

#: Words after which an ID-like token is an identifier (any language: documents mix them).
CONTEXT_WORDS = (
    # fr
    "n°", "nº", "no", "numéro", "num", "carte", "fidélité", "client", "cliente", "adhérent", "adhérente", "adhésion",
    "abonné", "abonnée", "abonnement", "membre", "matricule", "dossier", "contrat", "badge", "compte", "identifiant",
    "sinistre", "police", "passeport", "permis",
    # en
    "number", "nr", "member", "membership", "account", "acct", "customer", "loyalty", "card", "contract", "file",
    "policy", "passport", "licence", "license", "id", "employee", "staff", "payroll", "holder",
    # de
    "nummer", "kundennummer", "kundennr", "kunden-nr", "kunde", "kundin", "kundenkarte", "mitglied",
    "mitgliedsnummer", "mitglieds-nr", "vertrag", "vertragsnummer", "vertrags-nr", "konto", "kontonummer",
    "ausweis", "ausweisnummer", "personalnummer", "aktenzeichen", "az", "versicherungsnummer", "karte",
    "kartennummer",
    # es
    "n.º", "núm", "número", "socio", "socia", "tarjeta", "fidelización", "contrato", "cuenta", "expediente", "carné",
    "carnet", "afiliado", "afiliada", "póliza", "empleado", "empleada",
    # it
    "n.", "numero", "codice", "tessera", "fedeltà", "contratto", "conto", "pratica", "matricola", "polizza",
    "dipendente",
)  # fmt: skip
#: Words that may stand between the context word and the token ("numéro de client :", "n.º de socio").
GLUE = ("de", "du", "des", "d'", "d’", "la", "le", "l'", "l’", "of", "the", "your", "votre", "son", "sa", "der",
        "des", "die", "dem", "den", "del", "di", "della", "dello", "su", "el", "la")  # fmt: skip
#: A law, decree or article word right before the context word: the number is a legal reference.
LEGAL_WORDS = (
    "décret", "decret", "loi", "article", "art", "arrêté", "arrete", "ordonnance", "circulaire", "règlement",
    "directive", "code", "cerfa", "délibération", "décision", "jugement", "arrêt", "pourvoi", "avis", "rg", "jo",
    "act", "section", "regulation", "statute", "verordnung", "gesetz", "richtlinie", "§", "real decreto", "decreto",
    "ley", "artículo", "orden", "legge", "d.lgs", "dlgs", "regolamento", "circolare",
)  # fmt: skip


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


_CONTEXT = rf"(?<![\w])(?:{_alternatives(CONTEXT_WORDS)})\.?(?![\p{{L}}])"
_GLUE = rf"(?:(?:{_alternatives(GLUE)})(?![\p{{L}}])|{_CONTEXT}|[:#=(\-–])"
_TOKEN = (
    r"(?:(?-i:[A-Z]{1,6})(?:[-/.](?-i:[A-Z]{1,6}))*[-/. ]?)?\d[\dA-Za-z]*(?:(?:[-/.]|[ ](?=\d))[\dA-Za-z]+)*"
    r"(?:[ ](?-i:[A-Z])(?![\w]))?"  # a check letter after a space ("AB 12 34 56 C")
)
_SPACE = r"[ \t\u00a0]*"
PATTERN = regex.compile(rf"{_CONTEXT}(?:{_SPACE}{_GLUE}){{0,4}}{_SPACE}(?P<id>{_TOKEN})(?![\w]|[-/.]\w)", IGNORE_CASE)
_DATE = regex.compile(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|(?:19|20)\d\d[-/](?:19|20)?\d\d")
_LEGAL_BEFORE = regex.compile(
    rf"(?<![\w])(?:{_alternatives(LEGAL_WORDS)})\.?(?:[ \t\u00a0]+\S+){{0,2}}[ \t\u00a0]*$", IGNORE_CASE
)


def is_identifier(token: str) -> bool:
    """6 to 40 letters and digits, and not a date or a year range."""
    return MIN_CHARS <= sum(c.isalnum() for c in token) <= MAX_CHARS and _DATE.fullmatch(token) is None


class ContextIdentifierRecognizer(LocalRecognizer):
    """See the module doc."""

    def __init__(self, supported_language: str = "fr") -> None:
        super().__init__(
            supported_entities=[IDENTIFIER],
            supported_language=supported_language,
            name=f"ContextIdentifierRecognizer_{supported_language}",
        )

    def load(self) -> None:
        """Nothing to load: the patterns are compiled at import."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if IDENTIFIER not in entities:
            return []
        results = []
        for match in PATTERN.finditer(text, overlapped=False):
            start, end = match.span("id")
            if is_identifier(match.group("id")) and not _LEGAL_BEFORE.search(
                text[max(0, match.start() - 60) : match.start()]
            ):
                results.append(RecognizerResult(IDENTIFIER, start, end, SCORE))
        return results
