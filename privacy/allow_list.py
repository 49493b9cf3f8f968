"""Names that are never personal data: the chain's brands and products, read from catalogue CSVs, plus
``PrivacySettings.allow_list``. The French model tags many of them as PERSON (``Jean Paul Gaultier``,
``Maître Coq``, ``jean slim Camille``), so the detector drops any PERSON that overlaps one of them."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

#: Catalogue columns that hold brand or product names (compared case-insensitively, accents ignored).
PRODUCT_COLUMNS = frozenset({"nom", "name", "produit", "product", "libelle", "designation"})
BRAND_COLUMNS = frozenset({"marque", "brand", "gamme", "collection", "fournisseur", "supplier"})
#: Columns of product references, SKUs and barcodes: kept whole (never personal data, often after "n°").
REFERENCE_COLUMNS = frozenset({"reference", "ref", "sku", "code", "code_article", "article", "ean", "gtin", "upc"})
NAME_COLUMNS = PRODUCT_COLUMNS | BRAND_COLUMNS | REFERENCE_COLUMNS
_FOLD = str.maketrans("éèêëàâîïôûùç", "eeeeaaiiouuc")
_QUOTES = re.compile(r"[«»\"“”„]")
_CUT = re.compile(r"[\d(«\[,/]|\s[-–]\s")
_SPACES = re.compile(r"\s+")


def _clean(value: str) -> str:
    return _SPACES.sub(" ", _QUOTES.sub(" ", value)).strip(" -–.;:")


def catalogue_terms(name: str, product: bool = True) -> set[str]:
    """The allow-list terms derived from one product name (or, with ``product=False``, a brand: kept whole).

    ``Jean slim « Camille » brut`` gives ``Jean slim Camille brut``, ``Jean slim Camille`` (up to the quoted
    name), ``Jean slim`` (up to the first quote or digit) and the first two words; single words are kept only
    when they are the whole value, so a first name inside a product name is never allowed alone, and a part
    ending with a short lower-case word (``Lot de``) is dropped.
    """
    raw = name.strip()
    if not raw or not product:
        return {_clean(raw)} if raw else set()
    terms = {_clean(raw)}
    if "»" in raw:
        terms.add(_clean(raw[: raw.rindex("»")]))
    cut = _CUT.search(raw)
    if cut:
        terms.add(_clean(raw[: cut.start()]))
    words = _clean(raw).split(" ")
    if len(words) > 2:
        terms.add(" ".join(words[:2]))
    return {t for t in terms if t == _clean(raw) or (" " in t and not _weak_end(t))}


def _weak_end(term: str) -> bool:
    last = term.rsplit(" ", 1)[-1]
    return len(last) <= 3 and last.islower()


def _fold(column: str) -> str:
    return column.strip().lower().translate(_FOLD)


def _csv_files(paths: Iterable[Path]) -> Iterable[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.csv") if not p.name.startswith("."))
        elif path.suffix.lower() == ".csv":
            yield path


def load_allow_list(paths: Iterable[Path], extra: Iterable[str] = ()) -> list[str]:
    """Terms from the name/brand columns of every CSV in ``paths`` (files or folders, walked), plus ``extra``
    (``PrivacySettings.allow_list``). CSVs without such a column are skipped; ``,`` and ``;`` separators are
    both read. Sorted, without duplicates."""
    terms: set[str] = {_clean(t) for t in extra if _clean(t)}
    for path in _csv_files(paths):
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        dialect = ";" if text.partition("\n")[0].count(";") > text.partition("\n")[0].count(",") else ","
        reader = csv.DictReader(text.splitlines(), delimiter=dialect)
        columns = [c for c in reader.fieldnames or [] if c and _fold(c) in NAME_COLUMNS]
        for row in reader:
            for column in columns:
                terms |= catalogue_terms(row.get(column) or "", product=_fold(column) in PRODUCT_COLUMNS)
    return sorted(terms)


class AllowList:
    """Finds the allow-list terms in a text: case-insensitive, whole words, any run of spaces or quotes
    between words (``jean slim « Camille »`` matches ``Jean slim Camille``)."""

    def __init__(self, terms: Iterable[str]) -> None:
        cleaned = sorted({_clean(t) for t in terms if _clean(t)}, key=len, reverse=True)
        self.terms = tuple(cleaned)
        self._folded = frozenset(t.casefold() for t in cleaned)
        alternatives = [r"[\s«»\"“”„'’]+".join(re.escape(w) for w in t.split(" ")) for t in cleaned]
        self._regex = (
            re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE) if alternatives else None
        )

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where allow-listed terms occur in ``text`` (non-overlapping, longest first)."""
        if self._regex is None:
            return []
        return [m.span() for m in self._regex.finditer(text)]

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and _clean(value).casefold() in self._folded

    def __len__(self) -> int:
        return len(self.terms)
