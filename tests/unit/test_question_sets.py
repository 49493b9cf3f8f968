import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest

from eval import fiches_travail, vdd_questions
from eval.fiches_vdd import Sheet
from eval.golden import load_golden
from eval.question_sets import SetDocument, SetQuestion, content_words, split_of, stands_alone, write_set

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("heading", "kept"),
    [
        ("Quelle est la durée maximale du stage ?", True),
        ("Qu'est-ce que le comité social et économique (CSE) ?", True),  # "est-ce" is no demonstrative
        ("L'employeur peut-il modifier le contrat de travail ?", True),
        ("Quelles sont les conditions ?", False),  # one content word: needs its sheet
        ("Qui peut en bénéficier ?", False),
        ("Comment est-il mis en œuvre ?", False),
        ("Quelle est la durée de ce congé ?", False),  # a demonstrative points at the sheet
        ("Cette aide est-elle cumulable avec le chômage ?", False),
        ("Durée maximale du stage étudiant", False),  # not a question
        ("", False),
    ],
)
def test_stands_alone(heading: str, kept: bool) -> None:
    assert stands_alone(heading) is kept


def test_content_words_split_elisions_and_skip_function_words() -> None:
    assert content_words("L'employeur peut-il refuser l’employeur ?") == ["employeur", "refuser"]


def test_split_is_a_stable_hash_of_the_normalised_question() -> None:
    assert split_of("Quelle est la durée du stage ?") == split_of("  quelle est la DURÉE du stage?")
    splits = {split_of(f"Question numéro {n} sur le stage ?") for n in range(40)}
    assert splits == {"dev", "test"}


def test_write_set_merges_gold_of_the_same_question_and_removes_stale_files(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "old.md").write_text("stale")
    docs = [SetDocument("a", ".md", "A"), SetDocument("b", ".html", "<p>B</p>")]
    asked = [SetQuestion("Quel est le délai de préavis ?", "a"), SetQuestion("quel est le délai de  préavis?", "b")]
    corpus, questions = write_set("x", docs, [*asked, SetQuestion("Qui paie la formation du salarié ?", "b")], tmp_path)
    assert sorted(p.name for p in corpus.iterdir()) == ["a.md", "b.html"]
    rows = [json.loads(line) for line in questions.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["gold"]) for r in rows] == [("x-0001", ["a", "b"]), ("x-0002", ["b"])]
    assert rows[0]["question"] == "Quel est le délai de préavis ?"
    assert {r["split"] for r in rows} <= {"dev", "test"}
    assert [q.split for q in load_golden(questions)] == [r["split"] for r in rows]


TRAVAIL_SHEET: dict[str, Any] = {
    "pubId": "article1",
    "title": "Le contrat de professionnalisation",
    "intro": "<p>Un contrat en <strong>alternance</strong>.</p>",
    "sections": [
        {"title": "Le contrat de professionnalisation", "html": "<div><p>À savoir : il est aidé.</p></div>"},
        {"title": "Quelle est la durée du contrat de professionnalisation ?", "html": "<p>De 6 à 12 mois.</p>"},
        {
            "title": "Quelles sont les conditions ?",  # stays: it needs the sheet
            "html": "<h3>Qui peut conclure un contrat de professionnalisation ?</h3><p>Les jeunes de 16 à 25 ans.</p>"
            "<h3>Rémunération</h3><p>Un pourcentage du Smic.</p>",
        },
    ],
}


def test_travail_sheet_becomes_a_page_without_its_standalone_questions() -> None:
    document, asked = fiches_travail.sheet_document(TRAVAIL_SHEET)
    assert (document.name, document.suffix) == ("article1", ".html")
    assert [q.text for q in asked] == [
        "Quelle est la durée du contrat de professionnalisation ?",
        "Qui peut conclure un contrat de professionnalisation ?",
    ]
    assert {q.gold for q in asked} == {"article1"}
    page = document.content
    assert "<title>Le contrat de professionnalisation</title>" in page
    assert '<meta name="audience" content="public">' in page
    assert page.count("<h2>") == 1  # the first section repeats the title: no heading; the question went
    assert "<h2>Quelles sont les conditions ?</h2>" in page
    assert "<h3>Rémunération</h3>" in page
    assert "durée du contrat" not in page and "Qui peut conclure" not in page
    assert "De 6 à 12 mois." in page and "Les jeunes de 16 à 25 ans." in page  # the answers stay


def test_travail_build_reads_the_package_and_samples_deterministically(tmp_path: Path) -> None:
    sheets = [{**TRAVAIL_SHEET, "pubId": f"article{n}"} for n in range(5)]
    tarball = tmp_path / "pkg.tgz"
    with tarfile.open(tarball, "w:gz") as tar:
        data = json.dumps(sheets).encode()
        info = tarfile.TarInfo(fiches_travail.MEMBER)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    loaded = fiches_travail.load_sheets(tarball)
    first = fiches_travail.build_set(loaded, tmp_path / "a", max_docs=3, seed=1)
    again = fiches_travail.build_set(loaded, tmp_path / "b", max_docs=3, seed=1)
    assert first[1].read_bytes() == again[1].read_bytes()
    assert len(list(first[0].glob("*.html"))) == 3
    rows = [json.loads(line) for line in first[1].read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 2 and all(len(r["gold"]) == 3 for r in rows)  # the same questions in the 3 sampled sheets


def test_vdd_question_title_and_headings_become_questions() -> None:
    body = "Oui, sous conditions.\n\n## Quel est le montant de l'allocation de garde ?\n\nIl dépend des revenus."
    qr = Sheet("F1", "Peut-on cumuler deux allocations de garde ?", body + "\n\n## Montant\n\nVoir le tableau.", "x")
    document, asked = vdd_questions.sheet_document(qr)
    assert [q.text for q in asked] == [qr.title, "Quel est le montant de l'allocation de garde ?"]
    assert document.content.startswith("---\ntitle: F1\n")  # the title became a question: titled by id
    assert "cumuler" not in document.content and "montant de l'allocation" not in document.content
    assert "## Montant" in document.content and "Il dépend des revenus." in document.content
    info = Sheet("F2", "Allocation de garde d'enfant", "## Quelles sont les conditions ?\n\nÊtre parent.", "x")
    document, asked = vdd_questions.sheet_document(info)
    assert asked == []
    assert "# Allocation de garde d'enfant\n" in document.content
    assert "## Quelles sont les conditions ?" in document.content
