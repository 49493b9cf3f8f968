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


#: Context words of the numbers a business gives its customers, members and contracts (loyalty cards, customer
#: accounts, contracts, case files).
MEMBERSHIP_WORDS = frozenset(
    {
        "fidélité", "client", "cliente", "adhérent", "adhérente", "adhésion", "abonné", "abonnée", "membre",
        "contrat", "dossier", "member", "membership", "customer", "loyalty", "account", "acct", "contract",
        "kundennummer", "kundennr", "kunden-nr", "kunde", "kundin", "kundenkarte", "mitglied", "mitgliedsnummer",
        "mitglieds-nr", "vertrag", "vertragsnummer", "vertrags-nr", "socio", "socia", "fidelización", "afiliado",
        "afiliada", "contrato", "expediente", "tessera", "fedeltà", "contratto", "pratica",
    }
)  # fmt: skip
#: Words of payment cards: a card number after them is a card whatever else the label says.
PAYMENT_WORDS = frozenset(
    {
        "bancaire", "cb", "crédit", "credit", "débit", "debit", "visa", "mastercard", "maestro", "amex",
        "paiement", "payment", "kreditkarte", "girocard", "ec-karte", "zahlung", "crédito", "débito", "pago",
        "credito", "debito", "pagamento", "bank", "banque", "banca", "banco",
    }
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
PATTERN = regex.compile(
    rf"(?P<label>{_CONTEXT}(?:{_SPACE}{_GLUE}){{0,4}}){_SPACE}(?P<id>{_TOKEN})(?![\w]|[-/.]\w)", IGNORE_CASE
)
_LABEL_WORD = regex.compile(r"[\p{L}][\p{L}\-]*")
_DAY, _MONTH, _SEP = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])", r"[-/.]"
_DATE = regex.compile(
    rf"{_DAY}{_SEP}{_MONTH}{_SEP}(?:\d{{4}}|\d{{2}})|{_MONTH}{_SEP}{_DAY}{_SEP}(?:\d{{4}}|\d{{2}})"  # 12/03/2024
    rf"|(?:1[89]|20)\d\d{_SEP}{_MONTH}{_SEP}{_DAY}|(?:19|20)\d\d[-/](?:19|20)?\d\d"  # 2024-03-12, 2023-2024
)
#: ``\Z``: the end of the searched window (the flags' MULTILINE would let ``$`` stop at any line end).
_LEGAL_BEFORE = regex.compile(
    rf"(?<![\w])(?:{_alternatives(LEGAL_WORDS)})\.?(?:[ \t\u00a0]+\S+){{0,2}}[ \t\u00a0]*\Z", IGNORE_CASE
)


def is_date(token: str) -> bool:
    """A date (``12/03/2024``, ``2024-03-12``: months up to 12, days up to 31) or a year range (``2023-2024``);
    not ``9657/73/24`` nor ``24.15.945``."""
    return _DATE.fullmatch(token) is not None


def is_identifier(token: str) -> bool:
    """6 to 40 letters and digits, and not a date or a year range."""
    return MIN_CHARS <= sum(c.isalnum() for c in token) <= MAX_CHARS and not is_date(token)


def legal_reference_before(text: str, start: int) -> bool:
    """True when a law, decree or article word (:data:`LEGAL_WORDS`) stands at most two words before ``start``."""
    return _LEGAL_BEFORE.search(text, max(0, start - 60), start) is not None  # the look-behind sees the whole text


def membership_number_at(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` lies in the identifier of a customer label (:data:`MEMBERSHIP_WORDS`:
    "Carte fidélité n° :", "Kundennummer", "Account no.", "Tarjeta de fidelización n.º D ...") with no payment word
    (:data:`PAYMENT_WORDS`) in the label or the few words before it. A Luhn-valid or SIRET-shaped run there is
    the chain's customer number, not a payment card or a company."""
    window_start = max(0, start - 80)
    for match in PATTERN.finditer(text[window_start : min(len(text), end + 40)], overlapped=False):
        id_start, id_end = (window_start + i for i in match.span("id"))
        if id_start <= start and end <= id_end:
            label = {w.casefold() for w in _LABEL_WORD.findall(match.group("label"))}
            before = text[max(0, window_start + match.start() - 30) : window_start + match.start()]
            before_words = {w.casefold() for w in _LABEL_WORD.findall(before)[-3:]}
            return bool(label & MEMBERSHIP_WORDS) and not (label | before_words) & PAYMENT_WORDS
    return False


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
            if is_identifier(match.group("id")) and not legal_reference_before(text, match.start()):
                results.append(RecognizerResult(IDENTIFIER, start, end, SCORE))
        return results
