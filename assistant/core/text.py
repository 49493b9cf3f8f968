"""Small text utilities shared by ingestion and answering: sentences, word normalisation, language id."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"«“(\[]?[A-ZÀ-ÖØ-Þ0-9¿¡])")
_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:M|Mme|Mlle|MM|Dr|Pr|St|Ste|art|cf|etc|p|n°|No|Mr|Mrs|Ms|Sr|Sra|Hr|Fr|Nr|z\.B|ca)\.$"
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_text(text: str) -> str:
    """``text`` with each lone surrogate (how Python carries bytes that were not UTF-8, from a shell argument or a
    JSON escape) replaced by U+FFFD, so that it can be encoded, hashed and stored."""
    return _SURROGATE.sub("\ufffd", text)


def split_sentences(text: str) -> list[str]:
    """Split on sentence punctuation followed by a capital/digit; keeps list items and table rows whole."""
    sentences: list[str] = []
    for part in _SENTENCE_END.split(" ".join(text.split())):
        if sentences and _ABBREVIATION.search(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {part}"  # "M. Dupont": not a sentence end
        elif part.strip():
            sentences.append(part.strip())
    return sentences


def fold(text: str) -> str:
    """Lower-case and strip accents: ``Échange`` -> ``echange``."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


_lock = threading.Lock()


@lru_cache(maxsize=8)
def _identifier(languages: tuple[str, ...]) -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(languages))
    return ident


def detect_language(text: str, languages: Sequence[str], default: str = "fr") -> str:
    """Most likely language among ``languages`` (ISO 639-1); ``default`` for text too short to tell."""
    sample = text[:4000]
    if len(_WORD.findall(sample)) < 2:
        return default
    with _lock:
        lang, prob = _identifier(tuple(sorted(languages))).classify(sample)
    return str(lang) if prob >= 0.5 else default
