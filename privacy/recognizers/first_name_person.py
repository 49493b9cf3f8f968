"""PERSON from the first-name gazetteer (:func:`privacy.first_names.first_names`): a known first name followed by
a capitalised surname, in prose where no title or label stands before it (``die Akte von Korinna Davids``,
``el coche de Leonel Manjón``, ``la pratica di Mauro Da Scalera``).

For a language without a name model (de, es, it by default) any ``First Surname`` counts, particles included
(``Albina von der Etzold``, ``Evelia del Vives``; in Spanish a second surname too). Where a model exists it finds
the plain forms; this recognizer then only adds the shapes it misses: a compound first name
(``Odette-Margaret Cohen``) or a particle before the surname (``Aurore-Dorothée du Raynaud``,
``Valérie d'Grégoire``). Never a place named after a saint (``San Martino Dall'Argine``, ``Santa Maria In
Strada``) nor a street (``Paseo de Cecilio Landa``, ``Thomas Street``)."""

from __future__ import annotations

import regex  # type: ignore[import-untyped]
from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from privacy.entities import PERSON
from privacy.first_names import SAINT_WORDS, first_names, fold, follows_saint
from privacy.recognizers.addresses import COMPOUND_STREETS, STREET_TYPES
from privacy.recognizers.person import NOT_SURNAMES

SCORE = 0.6
_FIRST = r"\p{Lu}\p{Ll}+(?:-(?:\p{Lu}\p{Ll}+|\p{Lu}\.))?"  # Marie, Jean-Luc, Hans-J.
_PARTICLE = (
    r"(?:de la|de las|de los|de|du|des|del|della|dello|dei|degli|di|da|dal|dalla|von der|von dem|von|van der|"
    r"van den|van|der|den|dos|das|do|De|Di|Da|Del|Della|Dal|Dalla|Lo|Le|La|Van|Von)"
)
_SURNAME = r"(?:[dDlL]['’]|O['’]|Ma?c)?\p{Lu}[\p{Ll}'’]{2,}(?:-\p{Lu}[\p{Ll}'’]+)*"
_BEFORE = r"(?<![\p{L}\p{N}'’.\-])"
_AFTER = r"(?![\p{L}\p{N}'’\-])"
_PATTERN = regex.compile(
    rf"{_BEFORE}(?P<first>{_FIRST})(?P<particle>(?:[ ]{_PARTICLE}){{0,2}})[ ](?P<last>{_SURNAME})"
    rf"(?P<second>[ ](?:y[ ])?{_SURNAME})?{_AFTER}"
)
#: Capitalised words that end street and place names, not surnames (Thomas Street, Victoria Park).
PLACE_WORDS = frozenset(
    fold(w)
    for w in (
        *STREET_TYPES, *COMPOUND_STREETS, "street", "road", "lane", "drive", "way", "close", "court", "crescent",
        "gardens", "grove", "hill", "park", "square", "terrace", "walk", "row", "mews", "station", "airport",
        "hotel", "church", "college", "university", "school", "hospital", "centre", "center", "bay", "beach",
        "island", "valley", "river", "lake", "mount", "port", "bridge", "tower", "hall", "house", "mill", "haven",
    )
)  # fmt: skip
_NOT_SURNAMES = frozenset(fold(w) for w in NOT_SURNAMES)
_GLUE = frozenset({"de", "del", "della", "di", "da", "du", "des", "la", "le", "von", "der", "van", "of", "the"})
_WORDS_BEFORE = regex.compile(r"[\p{L}]+")


def after_street_word(text: str, start: int) -> bool:
    """True when a street or place word stands right before ``start``, particles aside (``Paseo de Cecilio``)."""
    line = text[max(0, start - 30) : start].rsplit("\n", maxsplit=1)[-1]
    words = [fold(w) for w in _WORDS_BEFORE.findall(line)]
    while words and words[-1] in _GLUE:
        words.pop()
    return bool(words) and words[-1] in PLACE_WORDS


def _first_name(word: str) -> bool:
    known = first_names()
    return all(fold(part) in known for part in word.split("-") if not part.endswith("."))


def _surname(word: str) -> bool:
    folded = fold(word)
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

    def _accept(self, text: str, match: regex.Match[str]) -> bool:
        first, last = match.group("first"), match.group("last")
        if not _first_name(first) or not _surname(last):
            return False
        if follows_saint(text, match.start()) or after_street_word(text, match.start()):
            return False
        # where a model exists it finds plain "First Last" itself
        return not self._has_model or "-" in first or bool(match.group("particle")) or last[1] in "'’"

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if PERSON not in entities:
            return []
        spans: list[tuple[int, int]] = []
        for match in _PATTERN.finditer(text, overlapped=True):
            if not self._accept(text, match):
                continue
            second = match.group("second")
            spanish_second = second and self.supported_language == "es" and _surname(second.split()[-1])
            end = match.end() if spanish_second else match.end("last")
            spans.append((match.start(), end))
        explanation = AnalysisExplanation(recognizer=type(self).__name__, original_score=SCORE)
        return [RecognizerResult(PERSON, s, e, SCORE, explanation) for s, e in _merged(spans)]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping matches as one name: ``María Del Carmen`` and ``Carmen de la Barceló`` are one person."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out
