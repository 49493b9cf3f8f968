"""Parsers: table-driven valid and invalid inputs, side by side."""

from __future__ import annotations

import io

import pytest
from docx import Document
from fpdf import FPDF

from ingestion.errors import DocumentReadError, UnsupportedFormatError
from ingestion.parsers import default_registry

pytestmark = pytest.mark.unit
REGISTRY = default_registry()


def parse(name: str, data: bytes):  # type: ignore[no-untyped-def]
    from pathlib import Path

    return REGISTRY.for_path(Path(name)).parse(data, name)


def make_docx(keywords: str = "audience:store,hq") -> bytes:
    doc = Document()
    doc.core_properties.title = "Procédure caisse"
    doc.core_properties.keywords = keywords
    doc.add_heading("Ouverture de caisse", level=1)
    doc.add_paragraph("Compter le fond de caisse de 150 € avant l'ouverture.")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Étape", "Durée"
    table.cell(1, 0).text, table.cell(1, 1).text = "Comptage", "10 min"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def make_pdf() -> bytes:
    pdf = FPDF()
    pdf.set_title("Sécurité incendie")
    pdf.set_keywords("audience:store")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 20)
    pdf.cell(0, 12, "Evacuation", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(
        0,
        6,
        "En cas d'alarme, guider les clients vers les sorties de secours. Le point de rassemblement est le parking.",
    )
    pdf.ln(8)
    pdf.multi_cell(0, 6, "Ne jamais utiliser les ascenseurs.")
    return bytes(pdf.output())


VALID = [
    # (file name, bytes, expected title, expected audience, a heading, a text fragment)
    (
        "a.md",
        "---\ntitle: Retours\naudience: store, HQ\nlang: fr\n---\n# Retours\n\n## Délais\n\nLe client a "
        "**30 jours**.\n\n- Ticket obligatoire\n".encode(),
        "Retours",
        ["store", "hq"],
        "Délais",
        "30 jours",
    ),
    ("b.md", b"Titre\n=====\n\nTexte [lien](http://x) ici.\n", "Titre", [], "Titre", "Texte lien ici."),
    (
        "c.txt",
        "---\naudience: store\n---\nConsignes de fermeture\n\nFermer la grille à 20 h.\n".encode(),
        "Consignes de fermeture",
        ["store"],
        "Consignes de fermeture",
        "Fermer la grille",
    ),
    (
        "latin1.txt",
        "Réception des colis : vérifier l'état.".encode("cp1252"),
        "latin1",
        [],
        None,
        "Réception",
    ),
    (
        "d.html",
        """<html lang="fr-FR"><head><title>Carte Lumière</title><meta name="audience" content="store">
     </head><body><nav>menu</nav><h1>Fidélité</h1><p>Un point par euro.</p><ul><li>Niveau <b>Or</b></li></ul>
     <table><tr><th>Niveau</th><th>Seuil</th></tr><tr><td>Or</td><td>500</td></tr></table>
     <script>alert(1)</script></body></html>""".encode(),
        "Carte Lumière",
        ["store"],
        "Fidélité",
        "Or | 500",
    ),
    (
        "e.csv",
        "Référence;Nom;Prix\nML-001;Jean slim;49,90\nML-002;Marcel blanc;12\n".encode(),
        "e",
        [],
        None,
        "Nom: Jean slim",
    ),
    ("f.docx", make_docx(), "Procédure caisse", ["store", "hq"], "Ouverture de caisse", "Comptage | 10 min"),
    ("g.pdf", make_pdf(), "Sécurité incendie", ["store"], "Evacuation", "point de rassemblement"),
]


@pytest.mark.parametrize(("name", "data", "title", "audience", "heading", "fragment"), VALID)
def test_valid_documents(
    name: str, data: bytes, title: str, audience: list[str], heading: str | None, fragment: str
) -> None:
    doc = parse(name, data)
    assert doc.title == title
    assert doc.audience == audience
    if heading:
        assert heading in [b.text for b in doc.blocks if b.kind == "heading"]
    assert fragment in doc.text
    assert "alert(1)" not in doc.text and "menu" not in doc.text


def test_markdown_language_from_front_matter() -> None:
    assert parse("a.md", b"---\nlang: EN\n---\nHello there.\n").language == "en"


def test_pdf_paragraphs_are_separated() -> None:
    paragraphs = [b.text for b in parse("g.pdf", make_pdf()).blocks if b.kind == "paragraph"]
    assert any(p.startswith("Ne jamais") for p in paragraphs)


INVALID = [
    ("empty.md", b"", "no text"),
    ("front-only.md", b"---\ntitle: x\n---\n", "no text"),
    ("nul.txt", b"abc\x00\x01\x02", "binary"),
    ("bad.txt", b"\x81\x8d\x8f\x90\x9d invalid", "UTF-8"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage", "PDF"),
    ("notzip.docx", b"this is not a zip file", ".docx"),
    ("script.html", b"<html><body><script>x()</script></body></html>", "no text"),
    ("header.csv", b"a;b;c\n", "header row"),
]


@pytest.mark.parametrize(("name", "data", "message"), INVALID)
def test_invalid_documents_raise_clear_errors(name: str, data: bytes, message: str) -> None:
    with pytest.raises(DocumentReadError) as info:
        parse(name, data)
    assert name in str(info.value)
    assert message in str(info.value)


def test_pdf_table_rows_keep_their_cells() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 6, "Objectifs par region.")
    for row in (("Sud-Est", "24", "Thomas Lefevre"), ("Sud-Ouest", "10", "Pierre Dufour")):
        for x, cell in zip((20, 80, 140), row, strict=True):
            pdf.set_x(x)
            pdf.cell(50, 6, cell)
        pdf.ln(6)
    paragraphs = [b.text for b in parse("t.pdf", bytes(pdf.output())).blocks]
    assert "Sud-Est | 24 | Thomas Lefevre" in paragraphs
    assert "Sud-Ouest | 10 | Pierre Dufour" in paragraphs


def test_truncated_pdf_is_reported() -> None:
    data = make_pdf()
    with pytest.raises(DocumentReadError, match=r"g\.pdf"):
        parse("g.pdf", data[: len(data) // 3])


def test_unknown_extension_names_supported_formats() -> None:
    from pathlib import Path

    with pytest.raises(UnsupportedFormatError, match=r"\.xlsx.*supported: \.csv"):
        REGISTRY.for_path(Path("budget.xlsx"))


MARKDOWN_TABLES = [
    # (table as written, paragraphs expected: one per row, the |---| rule dropped, emphasis removed)
    (
        "| Heures | Majoration |\n|---|---|\n| De la 36e à la 43e heure | + 25 % |\n"
        "| À partir de la 44e | **+ 50 %** |",
        ["Heures | Majoration", "De la 36e à la 43e heure | + 25 %", "À partir de la 44e | + 50 %"],
    ),
    ("Niveau | Seuil\n:--- | ---:\nOr | 500", ["Niveau | Seuil :--- | ---: Or | 500"]),  # no leading pipe: prose
    ("| a | b |\n| :---: | --- |\n|  | 2 |", ["a | b", "2"]),  # aligned rule dropped, empty cell skipped
    ("Avant le tableau.\n| x | y |\nAprès.", ["Avant le tableau.", "x | y", "Après."]),
]


@pytest.mark.parametrize(("table", "paragraphs"), MARKDOWN_TABLES)
def test_markdown_table_rows_are_lines_of_their_own(table: str, paragraphs: list[str]) -> None:
    """A flattened table ("| a | b | |---| | 1 | 2 |") reads as one run-on sentence to a small model."""
    doc = parse("t.md", f"# Titre\n\n{table}\n".encode())
    assert [b.text for b in doc.blocks if b.kind == "paragraph"] == paragraphs
