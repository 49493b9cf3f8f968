"""The public-text cost benchmark (eval.independent.public_cost) counts what a protector replaced, by type, per
1,000 words, with the documents touched and the strings masked most often."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.core.protection import ProtectedText
from eval.independent.public_cost import count, main
from ingestion.chunking import Chunker
from ingestion.parsers import default_registry

pytestmark = pytest.mark.unit
TOKEN = "<PERSON_" + "0" * 16 + ">"


class MaskingProtector:
    """Replaces one string wherever it occurs (a fake of the TextProtector port)."""

    fingerprint = "fake"

    def __init__(self, masked: str) -> None:
        self.masked = masked

    def protect(self, texts: Sequence[str], languages: Sequence[str]) -> list[ProtectedText]:
        return [ProtectedText(t.replace(self.masked, TOKEN)) for t in texts]


def test_replacements_are_counted_by_type_and_document(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Aide\n\nLa BDES est tenue par Le CCFP chaque année.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Autre\n\nRien à masquer dans cette fiche publique.\n", encoding="utf-8")
    files = sorted(tmp_path.glob("*.md"))
    report = count(files, default_registry(), Chunker(), MaskingProtector("Le CCFP"), ("fr",))
    assert report.documents == 2 and report.touched == 1
    assert report.by_type == {"PERSON": report.spans} and report.spans >= 1
    assert report.masked.most_common(1)[0][0] == "PERSON: Le CCFP"
    assert report.as_json()["spans_per_1000_words"] == round(1000 * report.spans / report.words, 3)
    assert "PERSON" in report.table()


def test_an_empty_corpus_is_an_error_naming_the_builder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--corpus", str(tmp_path)]) == 2
    assert "python -m eval.fiches_vdd" in capsys.readouterr().err
