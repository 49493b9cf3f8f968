"""Postal addresses of France and its neighbours, by grammar: a street (with or without a house number), then a
postcode and a town, on one line or several. The town belongs to the span; a town or a postcode alone is no
address.

- street-type first (fr, be, ch, es, it): ``12 rue des Lilas, 69003 Lyon``, ``avenue de la Gare, 75011 Paris``,
  ``Rue de la Loi 16, 1000 Bruxelles``, ``Calle Mayor 12, 28013 Madrid``, ``Via Roma, 12 Piano 2, 00184 Roma (RM)``;
- a German street word ending the name (``Lindenstraße 5``, ``Am Markt 3``) before a 4- or 5-digit postcode;
- postal boxes and rural forms: ``BP 123``, ``CS 70001``, ``Lieu-dit Le Moulin`` before the postcode (a box
  without its number when the town line ends with CEDEX: ``BP, 42711 ROSSI CEDEX``);
- the postcode may also follow the town (``Calle Mayor 3, Huelva, 41255``);
- Italian: whatever the street word, a 5-digit postcode and a town followed by its province (``(MI)``);
- British: a line starting with a house number (or Flat/Unit), up to two more lines, a UK postcode;
- after an address label (``Anschrift:``, ``Adresse :``, ``Dirección:``...), any street form before the postcode."""

from __future__ import annotations

from typing import ClassVar

from privacy.entities import ADDRESS
from privacy.recognizers.base import ConstantPatternRecognizer, Context

STREET_TYPES = (
    # fr, be, ch
    "rue", "avenue", "av", "boulevard", "bd", "bld", "chemin", "allée", "allee", "place", "impasse", "quai", "cours",
    "route", "rte", "square", "passage", "voie", "cité", "cite", "résidence", "residence", "lieu-dit", "lieudit",
    "faubourg", "fbg", "sentier", "rond-point", "esplanade", "promenade", "hameau", "parvis", "montée", "montee",
    "villa", "mail", "traverse", "ruelle", "chaussée", "chaussee", "carrefour", "lotissement", "domaine", "clos",
    "venelle", "quartier", "zone", "za", "zi", "zac", "drève", "dreve", "galerie", "ruelle", "pont", "port",
    # es: the street types of the Spanish cadastre (and Catalan forms)
    "calle", "c/", "c", "cl", "avenida", "avda", "av", "paseo", "pº", "plaza", "pza", "camino", "cmno", "carretera",
    "ctra", "ronda", "rambla", "travesía", "travesia", "glorieta", "pasaje", "pasadizo", "callejón", "callejon",
    "cuesta", "alameda", "urbanización", "urbanizacion", "vía", "via", "vial", "carrer", "passeig", "plaça",
    "bulevar", "polígono", "poligono", "barrio", "costanilla", "senda", "subida", "bajada", "vereda", "muelle",
    "acceso", "camí", "cañada", "canada", "carrera", "plazuela", "prolongación", "prolongacion", "sector",
    "autovía", "autovia", "autopista", "explanada", "parque", "partida", "particular", "lugar", "puente",
    # it
    "viale", "piazza", "piazzale", "piazzetta", "corso", "largo", "vicolo", "strada", "borgo", "contrada",
    "lungomare", "lungotevere", "salita", "vico", "traversa", "località", "localita", "frazione", "circonvallazione",
    "rotonda", "calle", "campo", "fondamenta", "galleria",
)  # fmt: skip
#: Endings of German, Swiss German and Dutch (Belgian) street names (``Lindenstraße``, ``Bahnhofstr.``,
#: ``Kerkstraat``, ``Ellendreef``).
COMPOUND_STREETS = (
    "straße", "strasse", "str", "weg", "platz", "allee", "gasse", "ring", "damm", "ufer", "chaussee", "pfad", "steig",
    "markt", "graben", "wall", "zeile", "stieg", "kamp", "twiete", "promenade", "brücke", "gürtel", "berg", "hof",
    "tor", "park", "garten", "anger", "feld", "hang", "höhe", "kai", "steg", "wiese", "winkel",
    "straat", "laan", "plein", "dreef", "lei", "steenweg", "kaai", "singel", "gracht", "dijk", "baan", "veld",
    "hof", "pad", "wijk", "steeg", "boulevard", "kade",
)  # fmt: skip
COMPLEMENTS = (
    "piso", "apt", "apto", "puerta", "escalera", "esc", "bajo", "appartamento", "app", "piano", "scala", "interno",
    "int", "bât", "bat", "bâtiment", "batiment", "étage", "etage", "escalier", "appt", "stock", "etage", "wohnung",
    "whg", "flat", "unit", "suite",
)  # fmt: skip


def _words(words: tuple[str, ...]) -> str:
    return "|".join(w.replace(".", r"\.").replace("/", r"\/") for w in sorted(set(words), key=len, reverse=True))


_NUMBER = r"\d{1,4}(?:[ ]?(?i:bis|ter|quater|[a-h])(?![\p{L}]))?(?:[-/]\d{1,4}[a-h]?)?"
_LEAD_NUMBER = rf"(?<![\w,.]){_NUMBER}[ \t]*,?[ \t]*"
_STREET = rf"(?<![\w-])(?i:{_words(STREET_TYPES)})\.?(?=[ \t])"
_NAME = r"[^\n;:()\[\]{}<>|,]{1,60}?"  # the street name, as short as possible up to the number / postcode
_TRAIL_NUMBER = rf"(?:[ \t]*,?[ \t]+{_NUMBER}(?![\w]))?"
_COMPLEMENT = rf"(?:[ \t]*,?[ \t]*(?i:{_words(COMPLEMENTS)})\.?[ \t]*[\w°º]{{0,4}})?"
_SEPARATOR = r"(?:[ \t]*,[ \t]*\n?[ \t]*|[ \t]*\n[ \t]*|[ \t]+[-–][ \t]+|[ \t]+)"
_COUNTRY = r"(?:(?:F|B|CH|D|E|I|L|FR|BE|DE|ES|IT|LU)-)?"
_POSTCODE = rf"{_COUNTRY}(?:\d{{5}}|[1-9]\d{{3}})(?!\d)"
_PARTICLE = (r"(?:sur|sous|près|pres|en|de|du|des|la|le|les|lès|lez|aux|au|et|d'|l'|d’|l’|am|an|der|dem|den|im|in|"
             r"bei|ob|"
             r"del|di|da|della|dei|y)")  # fmt: skip
_CITY_WORD = r"(?!(?i:cedex)(?!\p{L}))\p{Lu}[\p{L}'’]*"
_CITY = (
    r"(?:['’][st][- ])?\p{L}[\p{L}'’]*"  # 's-Hertogenbosch, 't Zandt
    rf"(?:(?:[ ]|-)(?:{_CITY_WORD}|{_PARTICLE}(?=[ -]?\p{{Lu}})[ -]?{_CITY_WORD}|-?{_PARTICLE}-))*"
    r"(?:[ ](?i:cedex)(?:[ ]\d{1,2})?)?(?:[ ]\(\p{Lu}{2}\))?"
)
_BOX_WORD = r"(?<![\w])(?:B\.?P\.?|CS|TSA|Case postale|Postfach|Apartado(?: de correos)?|Casella postale)"
_BOX = rf"{_BOX_WORD}[ \t]*\d{{1,6}}"
_CEDEX = r"[ ](?i:cedex)(?![\p{L}])"
_COMPOUND = (
    rf"(?<![\w-])(?:\p{{Lu}}(?:[\p{{L}}-]|\.(?=-))*(?i:{_words(COMPOUND_STREETS)})\.?"  # Hans-J.-Adolph-Gasse
    r"|(?:Am|An der|Im|Auf dem|Zum|Zur) \p{Lu}\p{L}+)"
)
_ITALIAN_TOWN = (
    rf"{_CITY_WORD}(?:[ '’-]+{_CITY_WORD}|[ ](?:di|da|del|della|sul|in|al)[ ]{_CITY_WORD})*[ ]\(\p{{Lu}}{{2}}\)"
)
_TOWN_SEPARATOR = r"(?:[ \t]+|[ \t]*\n[ \t]*)"
_POSTCODE_TOWN = rf"{_POSTCODE}(?:[ \t]*,[ \t]*|{_TOWN_SEPARATOR}){_CITY}"
#: A form or CSV field that says it holds an address: what follows it up to a postcode and a town is the address,
#: whatever the street looks like (``Anschrift: Lindenhof-Weg van der Berg, 10646 Saarbrücken``).
_LABEL = (
    r"(?<![\p{L}])(?i:adresse(?: de livraison| postale| de facturation)?|address|anschrift|lieferanschrift|"
    r"wohnanschrift|dirección|direccion|domicilio|indirizzo|adres)[ \t]*:[ \t]*"
)
_LABELLED_STREET = r"[^\n;:()\[\]{}<>|,—–]{2,60}?"
_UK_POSTCODE = r"(?<![\w])[A-Z]{1,2}\d[A-Z\d]?[ ]\d[A-Z]{2}(?![\w])"  # as Royal Mail writes it, with the space
_UK_LINE = r"\p{L}[\p{L}'’ .-]{1,40}"
_UK_NUMBER = r"\d{1,4}[A-Za-z]?[ ]"
_UK_FLAT = r"(?:Flat|Unit|Studio|Apartment|Suite)[ ]\w{1,5}[ \t]*(?:,[ \t]*|\n[ \t]*)"
_UK_FIRST = rf"(?<![\w])(?:{_UK_FLAT}(?:{_UK_NUMBER})?|{_UK_NUMBER})"
_UK_BREAK = r"(?:,[ \t]*|[ \t]*\n[ \t]*)"


class AddressRecognizer(ConstantPatternRecognizer):
    """See the module doc. Street types and lower-case text are accepted; the town ends at the first lower-case
    word that is not a particle (``Saint-Rémy-de-Provence``, ``Aix en Provence``, ``Frankfurt am Main``)."""

    ENTITY = ADDRESS
    PATTERNS = (
        (
            "street, postcode, town",
            rf"(?:{_LEAD_NUMBER})?{_STREET}[ \t]+{_NAME}{_TRAIL_NUMBER}{_COMPLEMENT}{_SEPARATOR}{_POSTCODE_TOWN}",
            0.85,
        ),
        (
            "street, town, postcode",
            rf"(?:{_LEAD_NUMBER})?{_STREET}[ \t]+{_NAME}{_TRAIL_NUMBER}{_COMPLEMENT}[ \t]*(?:,|\n)[ \t]*{_CITY}"
            rf"[ \t]*,[ \t]*{_POSTCODE}",
            0.7,
        ),
        (
            "German or Dutch street, postcode, town",
            rf"{_COMPOUND}{_TRAIL_NUMBER}{_COMPLEMENT}{_SEPARATOR}{_POSTCODE_TOWN}",
            0.8,
        ),
        ("postal box, postcode, town", rf"{_BOX}{_SEPARATOR}{_POSTCODE}{_TOWN_SEPARATOR}{_CITY}", 0.8),
        (  # the box number left out: CEDEX (business mail) still makes the lines an address
            "postal box without number, postcode, town CEDEX",
            rf"{_BOX_WORD}\.?{_SEPARATOR}{_POSTCODE}{_TOWN_SEPARATOR}(?={_CITY_WORD}[^\n]*?{_CEDEX}){_CITY}",
            0.8,
        ),
        (
            "Italian: any street word, postcode, town (province)",  # "Stretto Barese, 57128, Antignano (LI)"
            rf"(?<![\w-])\p{{Lu}}\p{{Ll}}+[ \t]+{_NAME}{_TRAIL_NUMBER}{_COMPLEMENT}{_SEPARATOR}\d{{5}}[ \t]*,?[ \t]*"
            rf"{_ITALIAN_TOWN}",
            0.7,
        ),
        (
            "labelled field: anything, postcode, town",
            rf"(?<={_LABEL})(?=\S){_LABELLED_STREET}{_TRAIL_NUMBER}{_COMPLEMENT}{_SEPARATOR}{_POSTCODE_TOWN}",
            0.8,
        ),
        ("UK address", rf"{_UK_FIRST}{_UK_LINE}(?:{_UK_BREAK}{_UK_LINE}){{0,2}}(?:{_UK_BREAK}|[ ]){_UK_POSTCODE}", 0.8),
    )
    CONTEXT: ClassVar[Context] = {
        "fr": ("adresse", "domicile", "demeurant", "domicilié", "habite", "livraison"),
        "en": ("address", "living", "lives", "delivery"),
        "de": ("anschrift", "adresse", "wohnhaft", "lieferanschrift"),
        "es": ("dirección", "domicilio", "entrega"),
        "it": ("indirizzo", "residente", "domicilio", "consegna"),
    }
