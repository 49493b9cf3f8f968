"""The independent set for one seed: ``docs_per_locale`` documents per locale, shapes in turn, written to a folder
(one sub-folder per locale) with a manifest that never leaves the evaluation (it holds the raw synthetic values)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eval.independent.documents import SHAPES, Document, DocumentBuilder
from eval.independent.values import LOCALES, LocaleValues
from eval.pii.corpus import read_catalogue

DEFAULT_DOCS_PER_LOCALE = 14  # two of each shape


@dataclass(frozen=True)
class IndependentSet:
    seed: int
    documents: tuple[Document, ...]

    @property
    def n_values(self) -> int:
        return sum(len(d.planted) for d in self.documents)

    def write(self, folder: Path) -> list[Path]:
        """Write every document under ``folder/<locale>/`` (created); returns the paths."""
        paths = []
        for doc in self.documents:
            path = folder / doc.locale / doc.name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(doc.text, encoding="utf-8")
            paths.append(path)
        return paths


def generate_set(seed: int, docs_per_locale: int = DEFAULT_DOCS_PER_LOCALE) -> IndependentSet:
    """The same seed always gives the same documents and values."""
    catalogue = read_catalogue()
    documents = []
    for locale in LOCALES:
        builder = DocumentBuilder(LocaleValues(locale, seed), catalogue)
        documents += [builder.build(n, SHAPES[n % len(SHAPES)]) for n in range(docs_per_locale)]
    return IndependentSet(seed, tuple(documents))
