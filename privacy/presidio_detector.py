"""The :class:`privacy.ports.PiiDetector` adapter on Presidio + spaCy, offline.

The engine is built lazily on first use (or by :meth:`PresidioDetector.load`), once, under a lock: spaCy
models from ``PrivacySettings.spacy_models`` (never downloaded), the recognizers of
:mod:`privacy.recognizers` for fr, en, de, es, it, and NER (PERSON) for the languages that have a model —
**de, es and it have none by default, so PERSON there is only found by the name patterns (title, label,
capitals, known first name: :mod:`privacy.recognizers.build`) unless a model is configured for them** (e.g.
``{"de": "fr_core_news_md"}``, loaded once and shared); ``PrivacySettings.disabled_recognizers`` leaves
recognizers out by name, the two NER ones included. Results go through :func:`privacy.postprocess.postprocess`:
only :data:`privacy.entities.PSEUDONYMIZED_ENTITIES` are kept, allow-listed names dropped, overlaps resolved.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence

from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from privacy.allow_list import AllowList
from privacy.entities import PERSON, SUPPORTED_LANGUAGES
from privacy.errors import LanguageNotSupportedError
from privacy.nlp import build_nlp_engine, ner_languages
from privacy.person_spans import clean_person, implausible_name
from privacy.ports import PiiSpan
from privacy.postprocess import Candidate, postprocess
from privacy.recognizers.build import build_recognizers
from privacy.recognizers.proper_nouns import ProperNounPersonRecognizer
from privacy.settings import PrivacySettings

#: Confidence given to a PERSON found by the spaCy model.
NER_SCORE = 0.85


def _from_ner(result: RecognizerResult) -> bool:
    name = (result.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY, "")
    return isinstance(name, str) and name.startswith(("Spacy", "ProperNoun"))


class PlausibleSpacyRecognizer(SpacyRecognizer):
    """The model's PERSON spans without those post-processing drops as no name (across a table cell, a line, a
    dash between fields): Presidio removes a pattern's name found inside a longer model span of higher score before
    post-processing runs, so such a span would take the name down with it ("Dominique DE DE CLERCQ | +32...")."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = super().analyze(text, entities, nlp_artifacts)
        return [r for r in results if r.entity_type != PERSON or _plausible(text, r.start, r.end)]


def _plausible(text: str, start: int, end: int) -> bool:
    bounds = clean_person(text, start, end)
    return bounds is not None and not implausible_name(text, *bounds)


class PresidioDetector:
    """Presidio ``AnalyzerEngine`` with this package's recognizers and post-processing.

    ``allow_list`` is the full list of names never to flag; build it with
    ``privacy.allow_list.load_allow_list(catalogue_paths, settings.allow_list)``. When None, only
    ``settings.allow_list`` is used.
    """

    def __init__(
        self,
        settings: PrivacySettings,
        allow_list: Iterable[str] | None = None,
        languages: Sequence[str] = SUPPORTED_LANGUAGES,
        batch_size: int = 16,
    ) -> None:
        unknown = sorted(set(languages) - set(SUPPORTED_LANGUAGES))
        if unknown:
            raise LanguageNotSupportedError(
                f"language(s) {unknown} are not supported by the PII detector: use some of {SUPPORTED_LANGUAGES}"
            )
        self._settings = settings
        self.allow_list = AllowList(settings.allow_list if allow_list is None else allow_list)
        self.supported_languages: tuple[str, ...] = tuple(languages)
        self.ner_languages: tuple[str, ...] = tuple(ner_languages(settings.spacy_models, languages))
        self._batch_size = batch_size
        self._lock = threading.Lock()
        self._engine: AnalyzerEngine | None = None
        self.load_seconds: float | None = None

    def load(self) -> AnalyzerEngine:
        """Build the engine if not done yet (thread-safe) and return it."""
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    started = time.perf_counter()
                    self._engine = self._build()
                    self.load_seconds = time.perf_counter() - started
        return self._engine

    def _build(self) -> AnalyzerEngine:
        languages = list(self.supported_languages)
        nlp_engine = build_nlp_engine(self._settings.spacy_models, languages)
        registry = RecognizerRegistry(supported_languages=languages)
        disabled = set(self._settings.disabled_recognizers)
        for lang in languages:
            for recognizer in build_recognizers(self._settings, lang):
                registry.add_recognizer(recognizer)
            if lang in self.ner_languages and "SpacyRecognizer" not in disabled:
                registry.add_recognizer(
                    PlausibleSpacyRecognizer(
                        supported_language=lang,
                        supported_entities=[PERSON],
                        ner_strength=NER_SCORE,
                        name="SpacyRecognizer",
                    )
                )
            if lang == "fr" and lang in self.ner_languages and "ProperNounPersonRecognizer" not in disabled:
                registry.add_recognizer(ProperNounPersonRecognizer(lang))
        return AnalyzerEngine(
            registry=registry,
            nlp_engine=nlp_engine,
            supported_languages=languages,
            default_score_threshold=self._settings.score_threshold,
            context_aware_enhancer=LemmaContextAwareEnhancer(context_matching_mode="whole_word"),
        )

    def _check(self, language: str) -> None:
        if language not in self.supported_languages:
            raise LanguageNotSupportedError(
                f"language {language!r} is not supported by the PII detector: use one of "
                f"{', '.join(self.supported_languages)} (ingestion detects one of ASSISTANT_INGESTION_LANGUAGES)"
            )

    def _finish(self, text: str, results: Iterable[RecognizerResult]) -> list[PiiSpan]:
        candidates = (Candidate(r.entity_type, r.start, r.end, r.score, _from_ner(r)) for r in results)
        return postprocess(text, candidates, self.allow_list, self._settings.score_threshold)

    def detect(self, text: str, language: str) -> list[PiiSpan]:
        self._check(language)
        if not text.strip():
            return []
        results = self.load().analyze(text=text, language=language)
        return self._finish(text, results)

    def detect_batch(self, texts: Sequence[str], language: str) -> list[list[PiiSpan]]:
        self._check(language)
        if not texts:
            return []
        batch = BatchAnalyzerEngine(analyzer_engine=self.load())
        results = batch.analyze_iterator(list(texts), language=language, batch_size=self._batch_size)
        return [self._finish(text, found) for text, found in zip(texts, results, strict=True)]
