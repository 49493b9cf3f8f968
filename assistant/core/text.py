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


# Characters no reader sees but that change what text means or shows: C0/C1 controls (tab and line breaks kept),
# bidirectional embeddings, overrides, isolates and marks (they reorder what a reader sees: "Trojan Source"),
# zero-width spaces, word joiners and stray byte-order marks (they split a name so detection misses it).
_INVISIBLE = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # controls
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, overrides, isolates
    "\u200b\u2060-\u2064\ufeff"  # zero-width space, word joiner, invisible operators, byte-order mark
)
_HIDDEN = re.compile(f"[{_INVISIBLE}]")
_UNPRINTABLE = re.compile(f"[{_INVISIBLE}\t\n\r]")


def clean_text(text: str) -> str:
    """``text`` (:func:`valid_text`) without control, bidirectional-override and zero-width characters; tabs and line
    breaks stay. Applied to everything ingested and to every question and search query."""
    return _HIDDEN.sub("", valid_text(text))


def printable(text: str) -> str:
    """``text`` on one visible line: line breaks, tabs, controls and bidi characters written as escapes (file names in
    messages: a name with a line break or an override must not forge a line of the report)."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), valid_text(text))


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
