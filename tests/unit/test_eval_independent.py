"""The independent PII set: deterministic, every planted value written where it says, and the scoring's alignment
of pseudonymized text back on the original (no model: a fake protector)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.core.protection import ProtectedText
from eval.independent.dataset import generate_set
from eval.independent.documents import SHAPES, Document
from eval.independent.scoring import Scores, align, occurrences, score_documents, score_string
from eval.independent.values import LOCALES, LocaleValues, Planted, compact_forms
from ingestion.chunking import Chunker
from ingestion.parsers import default_registry

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def dataset_a() -> tuple[Document, ...]:
    return generate_set(3, docs_per_locale=7).documents


def test_same_seed_same_documents_other_seed_other_values(dataset_a: tuple[Document, ...]) -> None:
    again = generate_set(3, docs_per_locale=7).documents
    other = generate_set(4, docs_per_locale=7).documents
    assert [d.text for d in dataset_a] == [d.text for d in again]
    assert {p.value for d in dataset_a for p in d.planted} != {p.value for d in other for p in d.planted}


def test_a_seed_gives_the_same_documents_in_every_process() -> None:
    """Set iteration order changes with the hash seed of a process (Faker's it_IT towns come from a set)."""
    code = (
        "import hashlib; from eval.independent.dataset import generate_set; "
        "print(hashlib.sha256(repr([d.text for d in generate_set(5, 3).documents]).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True,
            text=True, check=True, cwd=Path(__file__).parents[2],
        ).stdout
        for seed in ("1", "2", "3")
    }  # fmt: skip
    assert len(digests) == 1


def test_every_locale_and_shape_is_there_and_every_value_is_in_its_document(dataset_a: tuple[Document, ...]) -> None:
    assert {d.locale for d in dataset_a} == set(LOCALES)
    assert {d.shape for d in dataset_a} == set(SHAPES)
    for doc in dataset_a:
        for planted in doc.planted:
            assert occurrences(doc.text, planted.value) or planted.value in doc.text, (doc.name, planted.entity_type)


def test_the_set_covers_the_issue_s_value_kinds(dataset_a: tuple[Document, ...]) -> None:
    types = Counter(p.entity_type for d in dataset_a for p in d.planted)
    for kind in ("PERSON", "EMAIL", "PHONE", "IBAN", "NIR", "NATIONAL_ID", "CREDIT_CARD", "SIRET", "COMPANY_ID",
                 "LICENCE_PLATE", "ADDRESS", "IDENTIFIER"):  # fmt: skip
        assert types[kind], kind


def test_addresses_come_with_and_without_a_house_number() -> None:
    values = LocaleValues("fr_FR", 11)
    firsts = [values.address_lines()[0] for _ in range(60)]
    assert any(line[:1].isdigit() for line in firsts)
    assert any(not any(c.isdigit() for c in line) for line in firsts)


def test_leak_keys_hold_the_compact_and_digit_only_forms() -> None:
    assert compact_forms("+33 (0)4 71 00 08 06") == ("+33 (0)4 71 00 08 06", "+330471000806", "330471000806")
    assert compact_forms("ZZ 96 51 55 T") == ("ZZ 96 51 55 T", "ZZ965155T", "965155")
    assert compact_forms("SCHLSI89C29A357R") == ("SCHLSI89C29A357R",)  # 7 digits of 16: no digit-only form
    assert compact_forms("H-YU 9") == ("H-YU 9",)  # "HYU9" would turn up by chance in binary files
    assert compact_forms("B-AB 123") == ("B-AB 123", "BAB123")


@pytest.mark.parametrize(
    ("original", "protected", "expected"),
    [
        ("Call Ann Lee on 0123.", "Call <PERSON_0123456789abcdef> on <PHONE_0123456789abcdef>.",
         [("PERSON", 5, 12), ("PHONE", 16, 20)]),
        ("a b a", "<PERSON_0123456789abcdef> b a", [("PERSON", 0, 1)]),
        ("nothing here", "nothing here", []),
        ("text", "other text", None),
    ],
)  # fmt: skip
def test_align_finds_the_replaced_spans(
    original: str, protected: str, expected: list[tuple[str, int, int]] | None
) -> None:
    assert align(original, protected) == expected


def test_scoring_counts_hits_misses_false_alarms_and_decoys() -> None:
    doc = Document("x.md", "fr_FR", "fr", "prose", decoys=["Maître Coq"])
    doc.planted += [Planted("PERSON", "Ann Lee", "fr_FR", ("Ann Lee",)), Planted("PHONE", "01 23", "fr_FR", ())]
    text = "Ann Lee, 01 23, Maître Coq, Lyon"
    scores = Scores()
    score_string(text, [("PERSON", 0, 7), ("PERSON", 16, 26), ("ADDRESS", 28, 32)], doc, scores)
    assert (scores.cell("PERSON", "fr_FR").tp, scores.cell("PERSON", "fr_FR").fp) == (1, 1)
    assert scores.cell("PHONE", "fr_FR").fn == 1
    assert scores.cell("ADDRESS", "fr_FR").fp_clear == 1
    assert scores.decoys_flagged == 1


class _MaskPlanted:
    """A fake protector that replaces exactly the planted values it is given (to test the scoring path)."""

    fingerprint = "fake"

    def __init__(self, values: Sequence[Planted]) -> None:
        self._values = values

    def protect(self, texts: Sequence[str], languages: Sequence[str]) -> list[ProtectedText]:
        out = []
        for text in texts:
            safe = text
            for p in sorted(self._values, key=lambda p: -len(p.value)):
                for start, end in reversed(occurrences(safe, p.value)):
                    safe = safe[:start] + f"<{p.entity_type}_0123456789abcdef>" + safe[end:]
            out.append(ProtectedText(safe, ()))
        return out

    def protect_query(self, text: str, language: str) -> str:
        return self.protect([text], [language])[0].text


def test_a_protector_that_masks_every_planted_value_scores_full_recall(dataset_a: tuple[Document, ...]) -> None:
    docs = [d for d in dataset_a if d.locale in ("fr_FR", "de_DE")]
    protector = _MaskPlanted([p for d in docs for p in d.planted])
    scores = score_documents(docs, default_registry(), Chunker(), protector, ["fr", "de", "en"])
    total = scores.total()
    assert scores.unaligned == 0
    assert total.support > 100
    assert total.recall == 1.0 and total.masked_share == 1.0
