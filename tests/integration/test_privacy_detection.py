"""PII detection with the real spaCy models: the benchmark at the issue's acceptance thresholds, the sample
corpus inventory (eval/datasets/samples_pii.json), the output guard, speed."""

from __future__ import annotations

import json
import time
from functools import cache
from pathlib import Path

import pytest

from eval.pii.benchmark import run_pii_benchmark
from ingestion.parsers import default_registry
from privacy.allow_list import AllowList, load_allow_list
from privacy.guard import mask_raw_pii
from privacy.keys import Secret
from privacy.presidio_detector import PresidioDetector
from privacy.pseudonymizer import HmacPseudonymizer
from privacy.settings import PrivacySettings

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "ingestion" / "samples"
INVENTORY = json.loads((ROOT / "eval" / "datasets" / "samples_pii.json").read_text(encoding="utf-8"))
#: The chain's own names, as an operator sets them (ASSISTANT_PRIVACY_ALLOW_LIST); brands and products come from
#: the catalogue. The inventory's "allow_list" is only used to check, never to configure.
OPERATOR_ALLOW_LIST = ["Maison Lumière", "Carte Lumière"]
#: Names the detector alone, on whole documents, does not find, and why (the test fails if one more is missed).
#: The product path does better: privacy.boundary analyses table cells one by one, confirms names in de/es with a
#: first-name gazetteer and catches a known name everywhere, so none of these reaches the index
#: (tests/integration/test_privacy_end_to_end.py asserts zero raw values on disk).
KNOWN_MISSES = {
    # de/es have no NER model by default, and these names have no title, capitals or own e-mail next to them.
    ("Claire Vasseur", "international/de/lieferantenvereinbarung-bettwaren.md"),
    ("Claire Vasseur", "international/es/negociacion-proveedor-calzado-valencia.md"),
    ("Romain Chevalier", "international/de/lieferantenvereinbarung-bettwaren.md"),
    ("Lucas Moreno", "international/es/negociacion-proveedor-calzado-valencia.md"),
    ("Marta Soler", "international/es/negociacion-proveedor-calzado-valencia.md"),
    ("Stefan Hoffmann", "international/de/lieferantenvereinbarung-bettwaren.md"),
    ("Jana Wolff", "international/de/lieferantenvereinbarung-bettwaren.md"),
    ("Chloé Favre", "international/de/filialhandbuch-zuerich.md"),
    # a name alone in a DOCX table cell, and one in a PDF table flattened to a single line: no model tag.
    ("Lieve Janssens", "hq/revue-performance-magasins-t3-2024.docx"),
    ("Pierre Dufour", "hq/budget-2025.pdf"),
    # PDF table rows are now parsed as "cell | cell" rows: the last cell of a row is missed in whole-text analysis.
    ("Hélène Rivière", "hq/budget-2025.pdf"),
}


@pytest.fixture(scope="module")
def detector() -> PresidioDetector:
    settings = PrivacySettings(allow_list=OPERATOR_ALLOW_LIST)
    found = PresidioDetector(settings, load_allow_list([SAMPLES / "produits" / "catalogue"], settings.allow_list))
    found.load()
    return found


@cache
def document(name: str) -> tuple[str, str]:
    """(text, language) of a sample: md/txt/html read as text, pdf/docx through the ingestion parsers."""
    path = SAMPLES / name
    parsed = default_registry().for_path(path).parse(path.read_bytes(), path.name)
    text = parsed.text if path.suffix in (".pdf", ".docx") else path.read_text(encoding="utf-8")
    return text, (parsed.language or "fr")[:2]


def test_benchmark_reaches_the_acceptance_targets(detector: PresidioDetector) -> None:
    report = run_pii_benchmark(detector, n_sentences=1200, seed=7)
    print("\n" + report.table())
    assert report.n_sentences >= 1000
    assert report.failures() == []


def test_every_inventoried_value_is_pseudonymized(detector: PresidioDetector) -> None:
    pseudonymizer = HmacPseudonymizer(detector, Secret(b"k" * 32))
    outputs: dict[str, str] = {}
    misses = set()
    for item in INVENTORY["pii"]:
        for name in item["files"]:
            if name not in outputs:
                text, language = document(name)
                assert item["value"] in text, f"{item['type']} value missing from {name}: inventory out of date"
                outputs[name] = pseudonymizer.pseudonymize(text, language).text
            if item["value"] in outputs[name]:
                misses.add((item["value"], name))
    print(f"\nmissed {len(misses)} inventoried occurrences (all known): {sorted(misses)}")
    assert misses <= KNOWN_MISSES, f"newly missed: {sorted(misses - KNOWN_MISSES)}"


def test_no_allow_listed_name_is_flagged(detector: PresidioDetector) -> None:
    names = AllowList(INVENTORY["allow_list"])
    flagged = []
    for path in sorted(SAMPLES.rglob("*")):
        if path.suffix not in (".md", ".txt", ".html", ".pdf", ".docx"):
            continue
        text, language = document(str(path.relative_to(SAMPLES)))
        spans = detector.detect(text, language)
        for start, end in names.spans(text):
            flagged += [(path.name, text[start:end], s.entity_type) for s in spans if s.start < end and start < s.end]
    assert flagged == []


def test_brands_and_products_are_not_persons(detector: PresidioDetector) -> None:
    text = (
        "Le parfum Le Male de Jean Paul Gaultier, Libre d'Yves Saint Laurent, la cocotte Maître Coq, "
        "le jean slim Camille et le marcel blanc d'Atelier Camille, le linge Lumière Maison."
    )
    assert detector.detect(text, "fr") == []


def test_batch_equals_one_by_one(detector: PresidioDetector) -> None:
    texts = [document("rh/confidentiel/note-individuelle-2025-017.md")[0][:1500], "", "Appeler Sophie Marchand."]
    assert detector.detect_batch(texts, "fr") == [detector.detect(t, "fr") for t in texts]


def test_output_guard_masks_raw_pii_except_allowed_values(detector: PresidioDetector) -> None:
    answer = "Contactez Sophie Marchand au 06 12 48 73 95 ou <PERSON_0123456789abcdef>."
    masked, count = mask_raw_pii(answer, "fr", detector, allowed_values=["06 12 48 73 95"])
    assert count == 1
    assert "Sophie" not in masked and "06 12 48 73 95" in masked and "<PERSON_0123456789abcdef>" in masked


def test_speed_per_800_bytes_of_french(detector: PresidioDetector) -> None:
    text = document("securite/rapport-incident-2024-11-08-lyon.md")[0]
    chunks = [text[i : i + 800] for i in range(0, len(text) - 800, 800)] * 3
    started = time.perf_counter()
    detector.detect_batch(chunks, "fr")
    ms = 1000 * (time.perf_counter() - started) / len(chunks)
    print(f"\n{ms:.1f} ms per 800-character French text; engine load {detector.load_seconds:.1f} s")
    assert ms < 1000
