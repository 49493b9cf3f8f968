"""PERSON from the first-name gazetteer (:func:`privacy.first_names.first_names`): a known first name followed by
a capitalised surname, in prose where no title or label stands before it (``die Akte von Korinna Davids``,
``el coche de Leonel Manjón``, ``la pratica di Mauro Da Scalera``).

For a language without a name model (de, es, it by default) any ``First Surname`` counts, particles included
(``Albina von der Etzold``, ``Evelia del Vives``; in Spanish a second surname too). Where a model exists it finds
the plain forms; this recognizer then only adds the shapes it misses: a compound first name
(``Odette-Margaret Cohen``), a particle before the surname (``Aurore-Dorothée du Raynaud``,
``Valérie d'Grégoire``), and a plain ``First Surname`` that the model saw as something else or left untagged
(:func:`model_missed`: the small English model calls ``the file of Iain Smith`` an ORG, ``Grace Kelly Studio``
stays one). A surname may be in capitals (``llame a Clemente MAS``). Never a place named after a saint
(``San Martino Dall'Argine``, ``Santa Maria In Strada``) nor a street (``Paseo de Cecilio Landa``,
``Thomas Street``)."""

from __future__ import annotations

import itertools

import regex  # type: ignore[import-untyped]
from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.tokens import Doc, Span

from privacy.entities import PERSON
from privacy.first_names import SAINT_WORDS, first_names, fold, follows_saint
from privacy.recognizers.addresses import STREET_TYPES
from privacy.recognizers.person import NOT_SURNAMES

SCORE = 0.6
#: Marie, Jean-Luc, Hans-J., Karl-Otto-Hans, H.-Dieter
_FIRST = r"(?:\p{Lu}\.-)?\p{Lu}\p{Ll}+(?:-(?:\p{Lu}\p{Ll}+|\p{Lu}\.)){0,2}"
_PARTICLE = (
    r"(?:de la|de las|de los|de|du|des|del|della|dello|dei|degli|di|da|dal|dalla|von der|von dem|von|van der|"
    r"van den|van|der|den|dos|das|do|De|Di|Da|Del|Della|Dal|Dalla|Lo|Le|La|Van|Von)"
)
_SURNAME = (
    r"(?:(?:[dDlL]['’]|O['’]|Ma?c)?\p{Lu}[\p{Ll}'’]{2,}(?:-(?:O['’]|Ma?c)?\p{Lu}[\p{Ll}'’]+)*"  # Leach-O'Brien
    r"|\p{Lu}{3,}(?:-\p{Lu}{3,})?)"
)
_BEFORE = r"(?<![\p{L}\p{N}'’.\-])"
_AFTER = r"(?![\p{L}\p{N}'’\-])"
_PATTERN = regex.compile(
    rf"{_BEFORE}(?P<first>{_FIRST})(?P<initial>(?:[ ]\p{{Lu}}\.){{0,2}})(?P<particle>(?:[ ]{_PARTICLE}){{0,2}})"
    rf"[ ](?P<last>{_SURNAME})"
    rf"(?P<second>[ ](?:y[ ])?{_SURNAME})?{_AFTER}"
)
#: German and Dutch street words that stand alone too (``Karl Marx Allee``); not the compound endings that are
#: also common surnames (Berg, Hof, Ring, Winkel, Kade).
STANDALONE_STREET_WORDS = ("straße", "strasse", "str", "weg", "platz", "allee", "gasse", "chaussee", "promenade",
                           "straat", "laan", "plein", "dreef", "steenweg", "boulevard")  # fmt: skip
#: Capitalised words that end street and place names, not surnames (Thomas Street, Victoria Park).
TRAILING_PLACE_WORDS = frozenset(
    fold(w)
    for w in (
        *STANDALONE_STREET_WORDS, "street", "road", "lane", "drive", "way", "close", "court", "crescent",
        "gardens", "grove", "hill", "park", "square", "terrace", "walk", "row", "mews", "station", "airport",
        "hotel", "church", "college", "university", "school", "hospital", "centre", "center", "bay", "beach",
        "island", "valley", "river", "lake", "mount", "port", "bridge", "tower", "hall", "house", "mill", "haven",
        "place", "parade", "passage", "avenue",
    )
)  # fmt: skip
#: Street types that open a street's name (``Cuesta de San Vicente``, ``Via Roma``): after a first name they are
#: a surname (``Chus Cuesta``, ``Maribel del Villa``, ``Rui Costa``) unless a street's name follows them.
LEADING_STREET_WORDS = frozenset(fold(w) for w in STREET_TYPES) - TRAILING_PLACE_WORDS
PLACE_WORDS = TRAILING_PLACE_WORDS | LEADING_STREET_WORDS
_STREET_NAME_NEXT = regex.compile(r"[ ](?:d[eiau]l?|della|dei|degli|des|la|\p{Lu}|\d)")
_NOT_SURNAMES = frozenset(fold(w) for w in NOT_SURNAMES)
#: Words that end the names of companies, ranges and products, not surnames (``Summer Collection``, ``Rose Gold``):
#: a model's organisation ending in one stays an organisation.
ORGANISATION_WORDS = frozenset(
    fold(w)
    for w in (
        "collection", "collections", "edition", "range", "line", "series", "studio", "studios", "beauty", "group",
        "ltd", "limited", "plc", "inc", "llc", "gmbh", "sa", "sas", "sarl", "co", "company", "store", "stores", "shop",
        "boutique", "market", "foods", "food", "fashion", "home", "sport", "sports", "design", "designs", "style",
        "classic", "original",
        "sale", "sales", "care", "club", "team", "services", "service", "solutions", "systems", "partners",
        "holdings", "international", "europe", "france", "london", "paris", "bank", "insurance", "pharmacy", "kitchen",
    )
)  # fmt: skip
#: Colour words: surnames too (``Beverley Green``, ``Shane Rose``), but not after a word that names a colour or a
#: material itself (``Rose Gold``, ``Olive Green``, ``Ruby Red``: a product's colour).
COLOUR_WORDS = frozenset(
    fold(w)
    for w in ("gold", "silver", "black", "white", "blue", "red", "green", "pink", "rose", "bronze", "grey", "gray",
              "brown", "purple", "violet", "ivory", "cream", "copper", "navy")
)  # fmt: skip
COLOUR_FIRST_WORDS = COLOUR_WORDS | frozenset(
    fold(w)
    for w in ("ruby", "amber", "jade", "olive", "ivy", "pearl", "coral", "hazel", "scarlett", "scarlet", "lily",
              "daisy", "sky", "sienna", "jasmine", "honey", "cherry", "ginger", "sage", "saffron", "indigo", "azure",
              "ebony", "misty", "dusty", "emerald", "sapphire", "crystal", "opal", "summer", "autumn", "winter",
              "spring", "storm", "river", "forest", "midnight", "royal", "rosé", "champagne", "blush", "mint")
)  # fmt: skip
_NAME_ENDS = regex.compile(r"[ \t]*(?:[(),;:.\n|]|$)")
#: Place words that are common surnames too (``Janice Hill``, ``Jordan Hall``, ``Penny Lane``): a surname after a
#: known first name only where the text reads as a person, not after an article, a place preposition or a house
#: number (``the Albert Hall``, ``at Victoria Park``, ``6 Thomas Mill``) nor before a capitalised word or a place
#: noun (``Jordan Hall Road``, ``Janice Park store``).
SURNAME_PLACE_WORDS = frozenset({"hill", "hall", "lane", "park", "house", "church", "mill", "bridge", "grove", "court"})
_PLACE_BEFORE = regex.compile(
    r"(?:^|[ ])(?:\d+\p{L}?|the|at|in|near|from|on|via|am|im|zum|zur|en|al|nel|au)[ ]$", regex.IGNORECASE
)
_PLACE_AFTER = regex.compile(
    r"[ ](?:\p{Lu}|\d|(?:station|store|shop|branch|site|area|estate|campus|centre|center|road|street|car)\b)"
)
_GLUE = frozenset({"de", "del", "della", "di", "da", "du", "des", "la", "le", "von", "der", "van", "of", "the"})
_WORDS_BEFORE = regex.compile(r"[\p{L}]+/?")


def after_street_word(text: str, start: int) -> bool:
    """True when a street or place word stands right before ``start``, particles aside (``Paseo de Cecilio``)."""
    line = text[max(0, start - 30) : start].rsplit("\n", maxsplit=1)[-1]
    # a one-letter street type only as an abbreviation (``C/ Mayor``), not a letter of a plate (``AW-C-62 von``)
    words = [fold(w.rstrip("/")) for w in _WORDS_BEFORE.findall(line) if len(w) > 1]
    while words and words[-1] in _GLUE:
        words.pop()
    return bool(words) and words[-1] in PLACE_WORDS


def _place_surname(text: str, match: regex.Match[str]) -> bool:
    """``First Hill`` read as a person (see :data:`SURNAME_PLACE_WORDS`): a first name that names no colour or
    place itself (``Forest Hill``), nothing between the two words, no place context on either side."""
    if fold(match.group("last")) not in SURNAME_PLACE_WORDS or match.group("initial") or match.group("particle"):
        return False
    if fold(match.group("first").split("-")[0]) in COLOUR_FIRST_WORDS:
        return False
    before = text[max(0, match.start() - 12) : match.start()]
    return _PLACE_BEFORE.search(before) is None and _PLACE_AFTER.match(text, match.end("last")) is None


def _first_name(word: str) -> bool:
    """A known first name, or a compound one that starts with a known first name (``Jessica-Lyam``)."""
    parts = [part for part in word.split("-") if not part.endswith(".")]
    return bool(parts) and fold(parts[0]) in first_names()


def _surname(word: str, text: str = "", end: int = 0) -> bool:
    """``word`` may be a surname: no street or place word (a leading street type only when what follows
    ``end`` in ``text`` does not name a street), no acronym, no saint's title."""
    folded = fold(word)
    if folded in LEADING_STREET_WORDS and folded not in TRAILING_PLACE_WORDS:
        return _STREET_NAME_NEXT.match(text, end) is None
    return folded not in PLACE_WORDS and folded not in _NOT_SURNAMES and folded not in SAINT_WORDS


class FirstNamePersonRecognizer(LocalRecognizer):
    """See the module doc. ``has_model``: the language has a name model (only the shapes it misses are added)."""

    def __init__(self, supported_language: str = "fr", has_model: bool = False) -> None:
        super().__init__(
            supported_entities=[PERSON],
            supported_language=supported_language,
            name=f"FirstNamePersonRecognizer_{supported_language}",
        )
        self._has_model = has_model

    def load(self) -> None:
        """Nothing to load: the gazetteer is read on first use."""

    def _accept(self, text: str, match: regex.Match[str], model_missed: set[tuple[int, int]]) -> bool:
        first, last = match.group("first"), match.group("last")
        if not _first_name(first) or not (_surname(last, text, match.end()) or _place_surname(text, match)):
            return False
        if self._has_model and fold(last) in ORGANISATION_WORDS:  # the model's organisation stays one
            return False
        if fold(last) in COLOUR_WORDS and fold(first.split("-")[0]) in COLOUR_FIRST_WORDS:
            return False  # a colour (``Rose Gold``), not a person
        if follows_saint(text, match.start()) or after_street_word(text, match.start()):
            return False
        # where a model exists it finds plain "First Last" itself, unless it called exactly that something else
        # or left two proper nouns standing alone untagged
        plain = not ("-" in first or match.group("initial") or match.group("particle") or last[1] in "'’")
        if not self._has_model or not plain:
            return True
        return (match.start(), match.end("last")) in model_missed

    def _second_surname(self, text: str, match: regex.Match[str]) -> bool:
        """A second surname belongs to the name: in Spanish always (``Leonel Manjón García``); without a name
        model when the name ends there, before punctuation or the end of the line (``Annita Grein Groth (``)."""
        second = match.group("second")
        if not second or not _surname(second.split()[-1], text, match.end()):
            return False
        if self.supported_language == "es":
            return True
        return not self._has_model and _NAME_ENDS.match(text, match.end()) is not None

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if PERSON not in entities:
            return []
        spans: list[tuple[int, int]] = []
        doc = getattr(nlp_artifacts, "tokens", None)
        missed = model_missed(doc) if isinstance(doc, Doc) else set()
        for match in _PATTERN.finditer(text, overlapped=True):
            if not self._accept(text, match, missed):
                continue
            end = match.end() if self._second_surname(text, match) else match.end("last")
            spans.append((match.start(), end))
        explanation = AnalysisExplanation(recognizer=type(self).__name__, original_score=SCORE)
        return [RecognizerResult(PERSON, s, e, SCORE, explanation) for s, e in _merged(spans)]


def model_missed(doc: Doc) -> set[tuple[int, int]]:
    """Two-word spans the model saw as no person: exactly one of its other entities (``the file of Iain Smith``:
    ORG, ``le dossier de Caroline Ribeiro``: LOC; or its first two words before a colon or a bracket), or two
    proper nouns outside any name and any longer entity (untagged, or each its own one-word entity: ``call Kirsty
    Thorpe`` as ORG + GPE; the second may be a capitalised noun: ``Teresa Burrows``) with no capitalised word on
    either side (``Please call Jade Ward back``; not a run of a title-cased heading). A hyphenated surname is
    one word (``Kirsty Mistry-Morris`` as one ORG), also when the model's entity stops at its hyphen (``Fiona
    Ruelle`` as MISC before ``-Gillard``): the span then runs on to the end of the surname."""
    others = [e for e in doc.ents if e.label_ not in ("PER", "PERSON")]
    spans = {(e.start_char, _through_hyphens(doc.text, e.end_char)) for e in others if _words(e) == 2}
    # an entity run on over a field's colon or a bracket (``supplied by Sophie Perry: National Insurance``)
    spans |= {(e[0].idx, e[1].idx + len(e[1].text)) for e in others if len(e) > 2 and e[2].text in (":", ",", "(")}
    inside = {t.i for e in doc.ents if e.label_ in ("PER", "PERSON") or len(e) > 1 for t in e}
    for a, b in itertools.pairwise(doc):
        # a surname that is also a word may be tagged a noun (``Teresa Burrows``)
        surname = b.pos_ == "PROPN" or (b.pos_ == "NOUN" and b.text[:1].isupper() and b.text[1:].islower())
        if a.pos_ != "PROPN" or not surname or not a.whitespace_ or {a.i, b.i} & inside:
            continue
        before = doc[a.i - 1] if a.i > 0 else None
        after = doc[b.i + 1] if b.i + 1 < len(doc) else None
        if not any(t is not None and t.text[:1].isupper() and t.is_alpha for t in (before, after)):
            spans.add((a.idx, _through_hyphens(doc.text, b.idx + len(b.text))))
    return spans


def _words(entity: Span) -> int:
    """Words of an entity, the pieces of a hyphenated word counted once (``Mistry - Morris`` is one)."""
    return sum(1 for t in entity if t.whitespace_ or t.i == entity.end - 1) if len(entity) else 0


_HYPHENATED_REST = regex.compile(r"(?:-\p{Lu}[\p{Ll}'’]+)+")


def _through_hyphens(text: str, end: int) -> int:
    """``end`` moved over the rest of a hyphenated surname that starts there (``-Gillard``), if any."""
    rest = _HYPHENATED_REST.match(text, end)
    return rest.end() if rest else end


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping matches as one name: ``María Del Carmen`` and ``Carmen de la Barceló`` are one person."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out
