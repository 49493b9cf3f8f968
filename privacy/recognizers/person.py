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
_WORD = rf"{_PART}(?:-{_PART})*"  # Marie, Jean-Baptiste, O'Neil
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
_FIRST_NAMES = rf"{_WORD}(?:[ ]{_WORD})?"

#: Upper-case words that are acronyms, not surnames, in the chain's documents.
NOT_SURNAMES = frozenset(
    [
        "IBAN",
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


class PersonPatternRecognizer(ConstantPatternRecognizer):
    """PERSON from patterns, in every language (so de/es/it, which have no NER model by default, still get the
    titled and capitalised-surname forms): ``Mme Van Damme``, ``M. Jean-Luc de La Tour`` (the title is not
    part of the span), ``DUPONT Marie``, ``LE GALL Jean-Pierre``, ``Marie-Pierre SANTONI``."""

    ENTITY = PERSON
    PATTERNS = (
        (
            "after a title",  # not "Crystal M. Cummings": a title does not follow a capitalised word
            rf"(?<=(?<![\w.])(?<!\p{{Lu}}[\p{{Ll}}'’-]*[ ])(?:{_TITLE})[ \u00a0]+){_NAME}(?![\w'’-])",
            0.75,
        ),
        ("after a form label", rf"(?<=(?<![\w])(?i:{_LABEL})[ \t\u00a0]*:[ \t\u00a0]*){_FIELD_NAME}(?![\w'’-])", 0.75),
        ("SURNAME First", rf"(?<![\w'’.-]){_UPPER_SURNAME}[ ]{_FIRST_NAMES}(?![\w'’-])", 0.6),
        ("First SURNAME", rf"(?<![\w'’.-]){_FIRST_NAMES}[ ]{_UPPER_SURNAME}(?![\w'’-])", 0.55),
    )
    CONTEXT: ClassVar[Context] = {
        "fr": ("nom", "prénom", "salarié", "salariée", "client", "cliente", "responsable", "directeur"),
        "en": ("name", "employee", "customer", "manager", "director"),
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        words = [w.strip(".,'’") for w in pattern_text.replace("-", " ").split()]
        upper = [w for w in words if w.isupper()]
        if any(w in NOT_SURNAMES for w in upper) or 0 < sum(len(w) for w in upper) < MIN_SURNAME_LETTERS:
            return False  # acronyms (YSL, HEX, NAO) are short; surnames in capitals rarely are
        return None
