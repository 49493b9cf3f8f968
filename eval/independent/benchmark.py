"""Precision / recall per entity type and locale on the independent set, through the product path, over seeds.

The report holds types, locales and counts only; ``errors_text`` (the ``--show-errors`` debug mode) is the one
place the raw synthetic values are printed."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.independent.dataset import DEFAULT_DOCS_PER_LOCALE, generate_set
from eval.independent.scoring import Counts, Scores, score_documents
from eval.independent.values import LOCALES, PERSON, STRUCTURED
from ingestion.chunking import Chunker
from ingestion.parsers import default_registry
from privacy.keys import Secret
from privacy.ports import PiiDetector

DEFAULT_SEEDS: tuple[int, ...] = (1, 2, 3, 4)
#: The issue's acceptance targets, per locale.
RECALL_STRUCTURED, RECALL_NAMES, PRECISION_TARGET = 0.99, 0.95, 0.90


@dataclass
class IndependentReport:
    seeds: tuple[int, ...]
    documents: int
    scores: Scores
    seconds: float
    per_seed: dict[int, dict[str, float]] = field(default_factory=dict)

    def failures(self) -> list[str]:
        out = []
        for locale in LOCALES:
            names = self.scores.total(PERSON, locale)
            if names.support and names.recall < RECALL_NAMES:
                out.append(f"{locale} PERSON recall {names.recall:.3f} < {RECALL_NAMES}")
            for entity_type in STRUCTURED:
                counts = self.scores.total(entity_type, locale)
                if counts.support and counts.recall < RECALL_STRUCTURED:
                    out.append(f"{locale} {entity_type} recall {counts.recall:.3f} < {RECALL_STRUCTURED}")
            overall = self.scores.total(locale=locale)
            if overall.precision < PRECISION_TARGET:
                out.append(f"{locale} precision {overall.precision:.3f} < {PRECISION_TARGET}")
        if self.scores.decoys_flagged:
            out.append(f"{self.scores.decoys_flagged} catalogue brand/product occurrences flagged")
        if self.scores.unaligned:
            out.append(f"{self.scores.unaligned} pseudonymized strings could not be aligned (not scored)")
        return out

    def _row(self, counts: Counts) -> dict[str, Any]:
        return {"support": counts.support, "tp": counts.tp, "fp": counts.fp, "fn": counts.fn,
                "fp_clear": counts.fp_clear, "precision": round(counts.precision, 4),
                "recall": round(counts.recall, 4), "masked": round(counts.masked_share, 4)}  # fmt: skip

    def as_json(self) -> dict[str, Any]:
        types = sorted({t for t, _ in self.scores.cells})
        return {
            "seeds": list(self.seeds), "documents": self.documents, "strings": self.scores.strings,
            "matching": "accepted type, IoU >= 0.5", "per_type": {t: self._row(self.scores.total(t)) for t in types},
            "per_locale": {loc: self._row(self.scores.total(locale=loc)) for loc in LOCALES},
            "per_type_locale": {f"{t}/{loc}": self._row(c) for (t, loc), c in sorted(self.scores.cells.items())},
            "overall": self._row(self.scores.total()), "per_seed": self.per_seed,
            "decoys_flagged": self.scores.decoys_flagged, "unaligned": self.scores.unaligned,
            "seconds": round(self.seconds, 1), "failures": self.failures(),
        }  # fmt: skip

    def table(self) -> str:
        """Recall per type (rows) and locale (columns), then precision per locale; '-' where a locale has none."""
        types = sorted({t for t, _ in self.scores.cells if self.scores.total(t).support})
        head = f"{'recall':<14}" + "".join(f"{loc:>8}" for loc in LOCALES) + f"{'all':>8}{'support':>9}"
        lines = [head]
        for t in types:
            cells = [self.scores.total(t, loc) for loc in LOCALES]
            row = "".join(f"{c.recall:>8.3f}" if c.support else f"{'-':>8}" for c in cells)
            total = self.scores.total(t)
            lines.append(f"{t:<14}{row}{total.recall:>8.3f}{total.support:>9}")
        for name, pick in (("precision", "precision"), ("masked", "masked_share")):
            row = "".join(f"{getattr(self.scores.total(locale=loc), pick):>8.3f}" for loc in LOCALES)
            lines.append(f"{name:<14}{row}{getattr(self.scores.total(), pick):>8.3f}")
        overall = self.scores.total()
        lines.append(
            f"{self.documents} documents, seeds {','.join(map(str, self.seeds))}: {overall.support} values, "
            f"{overall.fp} false alarms ({overall.fp_clear} on non-personal text), "
            f"{self.scores.decoys_flagged} brand/product flagged, {self.scores.unaligned} unaligned; "
            f"{self.seconds:.0f} s"
        )
        return "\n".join(lines)

    def errors_text(self) -> str:
        """DEBUG: every miss and false alarm with its raw synthetic text."""
        return "\n".join(f"{k} {t:<14} {loc:<6} {text!r}" for k, t, loc, text in self.scores.errors)


def run_independent(
    detector: PiiDetector,
    seeds: Sequence[int] = DEFAULT_SEEDS,
    docs_per_locale: int = DEFAULT_DOCS_PER_LOCALE,
    chunker: Chunker | None = None,
    languages: Sequence[str] = ("fr", "en", "es", "de", "it"),
) -> IndependentReport:
    """Score ``detector`` through a privacy boundary of its own (throw-away key and vault: the synthetic values
    never reach the operator's vault), one boundary per seed as one ingestion run."""
    from privacy.boundary import PrivacyBoundary
    from privacy.pseudonymizer import HmacPseudonymizer
    from privacy.vault import SqliteVault, derive_index_key

    chunker = chunker or Chunker()
    parsers = default_registry()
    total = Scores()
    report = IndependentReport(tuple(seeds), 0, total, 0.0)
    started = time.perf_counter()
    for seed in seeds:
        dataset = generate_set(seed, docs_per_locale)
        with tempfile.TemporaryDirectory(prefix="pii-independent-") as tmp:
            key = Secret(f"independent-{seed}".encode().ljust(32, b"."))
            vault = SqliteVault(Path(tmp) / "vault.sqlite", Secret(b"v" * 32), derive_index_key(key))
            boundary = PrivacyBoundary(HmacPseudonymizer(detector, key), detector, vault, key, reidentify_roles=())
            try:
                scores = score_documents(dataset.documents, parsers, chunker, boundary, languages)
            finally:
                boundary.close()
        for cell, counts in scores.cells.items():
            total.cells.setdefault(cell, Counts()).add(counts)
        total.unaligned += scores.unaligned
        total.strings += scores.strings
        total.decoys_flagged += scores.decoys_flagged
        total.errors += scores.errors
        report.documents += len(dataset.documents)
        names, structured = scores.total(PERSON), Counts()
        for t in STRUCTURED:
            structured.add(scores.total(t))
        report.per_seed[seed] = {"person_recall": round(names.recall, 4), "structured_recall": round(
            structured.recall, 4), "precision": round(scores.total().precision, 4)}  # fmt: skip
    report.seconds = time.perf_counter() - started
    return report
