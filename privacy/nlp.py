"""The spaCy NLP engine of the detector, built offline from ``PrivacySettings.spacy_models``.

Configured languages load their model through Presidio's ``NlpEngineProvider`` (each model once, shared by
every language that names it); the other supported languages get a blank spaCy tokenizer whose lemmas are
the lower-cased words, so context words still raise pattern scores there. A model that is not installed is
an error naming the package to install: Presidio would otherwise try to download it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import spacy
from presidio_analyzer.nlp_engine import NlpEngineProvider, SpacyNlpEngine
from spacy.language import Language
from spacy.tokens import Doc

from privacy.errors import ModelMissingError

#: spaCy labels -> Presidio entities. Only PERSON is pseudonymized; the others are kept so that the
#: detector can recognise (and drop) the French model's usual confusions.
NER_CONFIGURATION: dict[str, Any] = {
    "model_to_presidio_entity_mapping": {
        "PER": "PERSON",
        "PERSON": "PERSON",
        "LOC": "LOCATION",
        "GPE": "LOCATION",
        "FAC": "LOCATION",
        "ORG": "ORGANIZATION",
        "NORP": "NRP",
        "DATE": "DATE_TIME",
        "TIME": "DATE_TIME",
    },
    "low_score_entity_names": [],
    "labels_to_ignore": ["MISC", "CARDINAL", "EVENT", "LANGUAGE", "LAW", "MONEY", "ORDINAL", "PERCENT",
                         "PRODUCT", "QUANTITY", "WORK_OF_ART"],
}  # fmt: skip

_LOWER_LEMMA = "privacy_lower_lemma"


@Language.component(_LOWER_LEMMA)
def _lower_lemma(doc: Doc) -> Doc:
    for token in doc:
        token.lemma_ = token.lower_
    return doc


def blank_pipeline(language: str) -> Language:
    """A tokenizer-only pipeline whose lemmas are the lower-cased words (for context words)."""
    nlp = spacy.blank(language)
    nlp.add_pipe(_LOWER_LEMMA)
    return nlp


def ner_languages(spacy_models: Mapping[str, str], languages: Sequence[str]) -> dict[str, str]:
    """The languages among ``languages`` that have a model configured, and that model."""
    return {lang: model for lang, model in spacy_models.items() if lang in languages and model}


def check_installed(models: Mapping[str, str]) -> None:
    """Raise :class:`ModelMissingError` for the first configured model that is not an installed package."""
    for lang, model in models.items():
        if not spacy.util.is_package(model):
            raise ModelMissingError(
                f"spaCy model {model!r} (privacy.spacy_models[{lang!r}]) is not installed and is never "
                f"downloaded at run time: install its package (pip install {model.replace('_', '-')}, "
                "as deploy/setup.sh does) or set ASSISTANT_PRIVACY_SPACY_MODELS to installed models"
            )


def build_nlp_engine(spacy_models: Mapping[str, str], languages: Sequence[str]) -> SpacyNlpEngine:
    """A loaded ``SpacyNlpEngine`` serving every language of ``languages`` (see the module doc)."""
    configured = ner_languages(spacy_models, languages)
    check_installed(configured)
    first_language_of: dict[str, str] = {}
    for lang, model in configured.items():
        first_language_of.setdefault(model, lang)
    nlp: dict[str, Language] = {}
    if first_language_of:
        provider = NlpEngineProvider(
            nlp_engines=(SpacyNlpEngine,),
            nlp_configuration={
                "nlp_engine_name": "spacy",
                "models": [{"lang_code": lang, "model_name": model} for model, lang in first_language_of.items()],
                "ner_model_configuration": NER_CONFIGURATION,
            },
        )
        engine = provider.create_engine()
        assert isinstance(engine, SpacyNlpEngine)
        nlp.update(engine.nlp or {})
    else:
        engine = SpacyNlpEngine(models=[{"lang_code": lang, "model_name": "blank"} for lang in languages])
    for lang in languages:
        if lang in configured:
            nlp[lang] = nlp[first_language_of[configured[lang]]]
        elif lang not in nlp:
            nlp[lang] = blank_pipeline(lang)
    engine.nlp = nlp  # type: ignore[assignment]  # Presidio declares it None until load()
    return engine
