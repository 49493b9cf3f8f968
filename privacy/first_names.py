"""A gazetteer of first names (from faker's locale data, installed with the project) for languages without a
name model: a span that another language's model calls a person is kept only if it starts with a first name."""

from __future__ import annotations

import importlib
import re
import unicodedata
from functools import lru_cache

LOCALES = ("fr_FR", "fr_CH", "de_DE", "de_CH", "es_ES", "it_IT", "en_US", "en_GB", "en_IE", "nl_BE")


#: Words before a first name that make it a place named after a saint (San Martino, Santa Maria, Sankt Georgen).
SAINT_WORDS = frozenset({"san", "santa", "santo", "sant", "santi", "sankt", "st", "ste", "sta", "saint", "sainte",
                         "sao", "são"})  # fmt: skip
_LAST_WORD = re.compile(r"([^\W\d_]+)(?:\.?[ -]+|['’])$")  # "San ", "St. ", "Sant'"


def fold(word: str) -> str:
    """Lower case without accents: the form the gazetteer compares."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def follows_saint(text: str, start: int) -> bool:
    """True when the word right before ``start`` is a saint's title: ``Maria`` in ``Santa Maria In Strada``."""
    match = _LAST_WORD.search(text[max(0, start - 12) : start])
    return match is not None and fold(match.group(1)) in SAINT_WORDS


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    names: set[str] = set()
    for locale in LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        names.update(fold(n) for n in getattr(provider, "first_names", ()))
    return frozenset(n for n in names if len(n) > 2)  # "El", "An", "Jo": articles and words more than names


def name_offset(span: str) -> int | None:
    """Where a "First Last" name begins inside ``span`` (e.g. after "Redactado por "), or None if it has none."""
    known = first_names()
    for match in re.finditer(r"[^\W\d_][\w'-]*", span):
        first = match.group(0).split("-")[0]
        if fold(first) in known and span[match.end() :].strip():
            return match.start()
    return None
