"""Name patterns that complete the NER model: a name after a civility title, and administrative styles with
the surname in capitals (``DUPONT Marie``, ``Marie-Pierre SANTONI``), which the models often miss or tag ORG."""

from __future__ import annotations

from typing import ClassVar

from privacy.entities import PERSON
from privacy.recognizers.base import ConstantPatternRecognizer, Context

TITLES = (
    "M.", "MM.", "Mme", "Mmes", "Mlle", "Monsieur", "Madame", "Mademoiselle", "Dr", "Dr.", "Docteur", "Pr", "Me",
    "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Miss", "Sir", "Herr", "Frau", "Sr.", "Sra.", "Señor", "Señora",
    "Don", "Doña", "Sig.", "Sig.ra", "Signor", "Signora", "Dott.",
)  # fmt: skip

_PART = r"(?:\p{Lu}['’]\p{Lu}\p{Ll}+|Ma?c\p{Lu}\p{Ll}+|\p{Lu}[\p{Ll}'’]+)"  # O'Neil, McLeod, Marie, d'Ormesson
_WORD = rf"{_PART}(?:-(?:{_PART}|\p{{Lu}}\.))*"  # Marie, Jean-Baptiste, O'Neil, Hans-J.
_UPPER = r"(?:\p{Lu}['’])?\p{Lu}{2,}(?:[-'’]\p{Lu}{2,})*"  # DUPONT, LE-GALL, N'DIAYE, O'SULLIVAN
_PARTICLE = r"(?:de la|de|du|des|van der|van den|van|von der|von|der|den|di|da|del|della|dos|le|la|Le|La|Van|De)"
_NAME_PART = rf"(?:{_WORD}|{_UPPER}|[dD]['’]{_WORD})"
_NAME = rf"{_NAME_PART}(?:[ ](?:{_PARTICLE}[ ])?{_NAME_PART}){{0,3}}"
_TITLE = "|".join(t.replace(".", r"\.") for t in sorted(TITLES, key=len, reverse=True))
_UPPER_SURNAME = rf"{_UPPER}(?:[ ]{_UPPER}){{0,2}}"
#: Form fields and e-mail headers whose value is a person's name ("Nom : DUPONT", "Vorname: Jana", "From: …").
NAME_LABELS = (
    "Nom", "Prénom", "Prénoms", "Nom de famille", "Nom d'usage", "Nom de naissance", "Nom et prénom", "Nom complet",
    "Titulaire", "Bénéficiaire", "Signataire", "Name", "Full name", "Surname", "First name", "Last name", "Forename",
    "Given name", "Family name", "Account holder", "Cardholder", "Nachname", "Vorname", "Familienname",
    "Karteninhaber", "Kontoinhaber", "Nombre", "Apellidos", "Apellido", "Nombre y apellidos", "Nombre completo",
    "Titular", "Nome", "Cognome", "Nome e cognome", "Nominativo", "Titolare", "Intestatario", "From", "To", "Cc",
    "De", "À", "Von", "An", "Para", "Da",
)  # fmt: skip
_LABEL = "|".join(sorted((label.replace(" ", "[ ]") for label in NAME_LABELS), key=len, reverse=True))
_FIELD_PART = rf"{_NAME_PART}(?![\p{{L}}'’-]|[ \t]*:)"  # a word followed by a colon is the next field's label
_FIELD_NAME = rf"(?:{_PARTICLE}[ ])?{_FIELD_PART}(?:[ ](?:{_PARTICLE}[ ])?{_FIELD_PART}){{0,3}}"
#: Words that join a name to an alias or a second family name (``Müller genannt Schmidt``, ``Dupont dit
#: Pierrot``, ``Meyer auch Schulte``).
ALIAS_WORDS = ("genannt", "gen.", "auch", "dit", "dite", "alias", "vulgo", "detto", "detta")
_CONNECTOR = rf"(?:{_PARTICLE}|{'|'.join(w.replace('.', r'[.]') for w in ALIAS_WORDS)})"
_WHOLE_FIELD_WORD = rf"(?:(?:{_PARTICLE}-)?{_NAME_PART}|{_UPPER}-{_WORD}|\p{{Lu}}\.)"  # van-Weitzel, MÜLLER-Lang, D.
#: A form field's whole value when it ends the field (``Nachname: Janin auch Schlauchin;``, a ``Name`` cell
#: ``Hans D. Nette``): particles, alias words and initials between the names.
_WHOLE_FIELD = (
    rf"(?:{_CONNECTOR}[ ]){{0,2}}{_WHOLE_FIELD_WORD}(?:[ ](?:{_CONNECTOR}[ ]){{0,2}}{_WHOLE_FIELD_WORD}){{1,4}}"
    r"(?=[ \t]*(?:[;|,—–]|[ ]-[ ]|$))"
)
_FIRST_NAMES = rf"{_WORD}(?:[ ]{_WORD})?"
#: An article before capitals is an organisation's acronym, no first name (``La BDES``, ``Le CCFP``, ``Die IHK``).
_ARTICLE = r"(?:Le|La|Les|The|El|Los|Las|Il|Lo|Gli|Der|Die|Das|Den|Dem|Des|Une?|Eine?|An?|Du|Au|Aux)"
#: Particles that may open a surname after a title ("Sra. del Posada", "Madame de Naranjo"); not "le" or "la"
#: ("Monsieur le Directeur").
_LEADING_PARTICLE = r"(?:de la|de las|de los|van der|van den|von der|de|du|des|del|della|di|da|van|von|dos)"
#: Upper-case particles of a surname in capitals ("DE LA VALERO", "VAN DER BERG"): not acronyms there.
UPPER_PARTICLES = frozenset({"DE", "DU", "DES", "LA", "LE", "DEL", "DELLA", "DI", "DA", "VAN", "VON", "DER", "DEN"})

#: Upper-case words that are acronyms, not surnames, in the chain's documents.
NOT_SURNAMES = frozenset(
    [
        "IBAN",
        "ID",
        "NR",
        "RIB",
        "BIC",
        "SIRET",
        "SIREN",
        "NIR",
        "TVA",
        "RCS",
        "CDI",
        "CDD",
        "RH",
        "DRH",
        "SAV",
        "RGPD",
        "GDPR",
        "CNIL",
        "URSSAF",
        "CPAM",
        "EUR",
        "HT",
        "TTC",
        "PDF",
        "CB",
        "DAB",
        "TPE",
        "NB",
        "PS",
        "RDV",
        "SMS",
        "FAQ",
        "CGV",
        "SKU",
        "EAN",
        "OK",
        "KO",
        "VIP",
        "DPO",
        "PDG",
        "CEO",
        "CFO",
        "HQ",
        "IT",
        "UE",
        "EU",
        "FR",
        "DE",
        "ES",
        "IT",
        "BE",
        "CH",
        "UK",
        "US",
        "CSE",
        "CHSCT",
        "ERP",
        "POS",
        "TEL",
        "TÉL",
        "FAX",
        "CP",
        "BP",
        "CEDEX",
        "ZI",
        "ZA",
        "ZAC",
        "SA",
        "SAS",
        "SARL",
        "SNC",
        "GMBH",
        "AG",
        "SL",
        "SPA",
        "LTD",
        "LLC",
        "INC",
        "NV",
        "BV",
        "SRL",
        "ATTENTION",
        "IMPORTANT",
        "URGENT",
        "NOTE",
        "OBJET",
        "CONFIDENTIEL",
        "INTERNE",
        "RAPPORT",
        "PROCEDURE",
        "PROCÉDURE",
        "MAISON",
        "LUMIÈRE",
        "CARTE",
        "ETA",
        "ETD",
        "AQL",
        "RDS",
        "DAP",
    ]
)


MIN_SURNAME_LETTERS = 4
LABEL_SCORE = 0.9  # above the NER model's 0.85


class PersonPatternRecognizer(ConstantPatternRecognizer):
    """PERSON from patterns, in every language (so de/es/it, which have no NER model by default, still get the
    titled and capitalised-surname forms): ``Mme Van Damme``, ``M. Jean-Luc de La Tour`` (the title is not
    part of the span), ``DUPONT Marie``, ``LE GALL Jean-Pierre``, ``Marie-Pierre SANTONI``."""

    ENTITY = PERSON
    PATTERNS = (
        (
            "after a title",  # not "Crystal M. Cummings": a title does not follow a capitalised word
            rf"(?<=(?<![\w.])(?<!\p{{Lu}}[\p{{Ll}}'’-]*[ ])(?:{_TITLE})[ \u00a0]+)(?:{_LEADING_PARTICLE}[ ])?{_NAME}"
            r"(?![\w'’-])",
            0.75,
        ),
        ("SURNAME First", rf"(?<![\w'’.-]){_UPPER_SURNAME}[ ]{_FIRST_NAMES}(?![\w'’-])", 0.6),
        ("First SURNAME", rf"(?<![\w'’.-])(?!{_ARTICLE}[ ]){_FIRST_NAMES}[ ]{_UPPER_SURNAME}(?![\w'’-])", 0.55),
    )
    CONTEXT: ClassVar[Context] = {
        "fr": ("nom", "prénom", "salarié", "salariée", "client", "cliente", "responsable", "directeur"),
        "en": ("name", "employee", "customer", "manager", "director"),
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        words = [w.strip(".,'’") for w in pattern_text.replace("-", " ").split()]
        upper = [w for i, w in enumerate(words) if w.isupper() and not _upper_particle(words, i)]
        letters = sum(len(w) for w in words if w.isupper())  # a particle counts: "DA FOÀ", "DE CID"
        if any(w in NOT_SURNAMES for w in upper) or 0 < letters < MIN_SURNAME_LETTERS:
            return False  # acronyms (YSL, HEX, NAO) are short; surnames in capitals rarely are
        return None


class PersonLabelRecognizer(ConstantPatternRecognizer):
    """PERSON after a form field or e-mail header label (:data:`NAME_LABELS`: ``Nom : REY``, ``Apellidos: DE PAZ``,
    ``Vorname: Jana``, ``From: ...``). The label says it is a name, so short surnames in capitals count (not the
    acronyms of :data:`NOT_SURNAMES`). Scored above the NER model: Presidio drops a match inside a longer one of
    higher score, and the model often runs a name on into the next field's label."""

    ENTITY = PERSON
    PATTERNS = (
        (
            "after a form label",
            rf"(?<=(?<![\w])(?i:{_LABEL})[ \t\u00a0]*:[ \t\u00a0]*){_FIELD_NAME}(?![\w'’-])",
            LABEL_SCORE,
        ),
        ("a whole form field", rf"(?<=(?<![\w])(?i:{_LABEL})[ \t\u00a0]*:[ \t\u00a0]*){_WHOLE_FIELD}", LABEL_SCORE),
    )
    CONTEXT: ClassVar[Context] = PersonPatternRecognizer.CONTEXT

    def validate_result(self, pattern_text: str) -> bool | None:
        words = [w.strip(".,'’") for w in pattern_text.replace("-", " ").split()]
        upper = [w for i, w in enumerate(words) if w.isupper() and not _upper_particle(words, i)]
        return False if any(w in NOT_SURNAMES for w in upper) else None


def _upper_particle(words: list[str], i: int) -> bool:
    """``DE`` in ``DE LA VALERO``: a particle followed by more of the surname in capitals, not an acronym."""
    return words[i] in UPPER_PARTICLES and i + 1 < len(words) and words[i + 1].isupper()
