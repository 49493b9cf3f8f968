"""PERSON from part-of-speech tags: a run of two to four capitalised proper nouns that the NER model left out
(``Contactez Sophie Marchand au ...``, names in table cells). French only: English title-cases headings and
names of things (``Staff Handbook``), and the tags come from the French model. Runs inside a LOCATION or
ORGANIZATION entity of the model are skipped, brands and products by
the allow-list afterwards."""

from __future__ import annotations

import re

from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.tokens import Doc, Token

from privacy.entities import PERSON

SCORE = 0.6
_NAME_TOKEN = re.compile(r"^[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'’-]*$")
_OTHER_ENTITIES = frozenset({"LOC", "GPE", "FAC", "ORG", "NORP", "EVENT", "PRODUCT", "WORK_OF_ART"})
MIN_RUN, MAX_RUN = 2, 4


def _is_name_token(token: Token, blocked: set[int]) -> bool:
    doc = token.doc
    glued_hyphen = (not token.whitespace_ and token.i + 1 < len(doc) and doc[token.i + 1].text == "-") or (
        token.i > 0 and doc[token.i - 1].text == "-" and not doc[token.i - 1].whitespace_
    )  # "Part-Dieu", "Saint-Denis": places, not first names split by the tokenizer
    return token.pos_ == "PROPN" and token.i not in blocked and not glued_hyphen and bool(_NAME_TOKEN.match(token.text))


class ProperNounPersonRecognizer(LocalRecognizer):
    """See the module doc."""

    def __init__(self, supported_language: str) -> None:
        super().__init__(
            supported_entities=[PERSON],
            supported_language=supported_language,
            name=f"ProperNounPersonRecognizer_{supported_language}",
        )

    def load(self) -> None:
        """Nothing to load: the tags come with the NLP artifacts."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        doc = getattr(nlp_artifacts, "tokens", None)
        if PERSON not in entities or not isinstance(doc, Doc):
            return []
        blocked = {t.i for ent in doc.ents if ent.label_ in _OTHER_ENTITIES for t in ent}
        results: list[RecognizerResult] = []
        run: list[Token] = []
        for token in [*doc, None]:
            if token is not None and _is_name_token(token, blocked) and (not run or run[-1].whitespace_):
                run.append(token)
                continue
            if MIN_RUN <= len(run) <= MAX_RUN and not all(t.is_upper for t in run):
                start, end = run[0].idx, run[-1].idx + len(run[-1].text)
                results.append(RecognizerResult(PERSON, start, end, SCORE))
            run = [token] if token is not None and _is_name_token(token, blocked) else []
        return results
