"""Parsers: table-driven valid and invalid inputs, side by side, hostile ones included (encrypted or scanned PDF,
UTF-16 and latin-1 text, a DOCX zip bomb, deeply nested HTML, a huge CSV), the last two under a memory cap."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader, PdfWriter

from ingestion.errors import DocumentReadError, UnsupportedFormatError
from ingestion.parsers import default_registry
from ingestion.settings import IngestionSettings

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


def encrypted_pdf(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf())))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A page that is only an image: what a scanner produces."""
    pdf = FPDF()
    pdf.add_page()
    pdf.image(Image.new("L", (200, 280), 200), x=10, y=10, w=190)
    return bytes(pdf.output())


def docx_bomb(padding: int = 64 * 1024 * 1024) -> bytes:
    """A valid .docx whose document part inflates to ``padding`` bytes of whitespace (a few kB once zipped)."""
    source = zipfile.ZipFile(io.BytesIO(make_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b" " * padding, 1)
            bomb.writestr(item, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def deep_html(depth: int) -> bytes:
    return f"<html><body>{'<div>' * depth}<p>Texte.</p>{'</div>' * depth}</body></html>".encode()


def huge_csv(rows: int) -> bytes:
    return b"ref;nom;prix\n" + b"".join(b"REF-%07d;Produit %07d;12,50\n" % (i, i) for i in range(rows))


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
    # an owner password only (printing or copying restricted): readable, as every PDF viewer reads it
    ("owner.pdf", encrypted_pdf(""), "Sécurité incendie", ["store"], "Evacuation", "point de rassemblement"),
    ("utf16.txt", "Réception des colis\n\nVérifier l'état.".encode("utf-16"), "Réception des colis", [], None,
     "Vérifier l'état."),
    ("utf16-excel.csv", "réf\tnom\nML-001\tJean brodé\n".encode("utf-16-le"), "utf16 excel", [], None,
     "nom: Jean brodé"),
    ("utf32.md", "# Échéancier\n\nÀ régler.".encode("utf-32"), "Échéancier", [], "Échéancier", "À régler."),
    ("latin1.md", "# Procédure\n\nFermer à 20 h, vérifier la caisse.".encode("latin-1"), "Procédure", [],
     "Procédure", "vérifier la caisse"),
    ("nested-ok.html", deep_html(200), "nested-ok", [], None, "Texte."),
    ("unclosed.html", b"<html><body><ul>" + b"<li>article " * 400 + b"</ul><p>un<p>deux</body></html>", "unclosed",
     [], None, "deux"),
]  # fmt: skip


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
    ("locked.pdf", encrypted_pdf("user-secret"), "password-protected"),
    ("scan.pdf", scanned_pdf(), "no text layer"),
    ("bomb.docx", docx_bomb(16 * 1024 * 1024), "zip bomb"),
    ("deep.html", deep_html(5000), "nested more than 256 levels"),
    ("quotes.csv", b'a;b\n"' + b"x" * 200_000 + b"\n", "not a readable CSV"),
    ("fake16.txt", b"\xff\xfeA\x00\x00\xd8", "not valid utf-16"),
]


@pytest.mark.parametrize(("name", "data", "message"), INVALID)
def test_invalid_documents_raise_clear_errors(name: str, data: bytes, message: str) -> None:
    with pytest.raises(DocumentReadError) as info:
        parse(name, data)
    assert name in str(info.value)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_a_csv_past_the_row_limit_names_the_setting() -> None:
    registry = default_registry(IngestionSettings(csv_max_rows=3))
    parser = registry.for_path(Path("rows.csv"))
    assert len(parser.parse(huge_csv(3), "rows.csv").blocks) == 3
    with pytest.raises(DocumentReadError, match=r"rows\.csv: more than 3 rows.*ASSISTANT_INGESTION_CSV_MAX_ROWS"):
        parser.parse(huge_csv(4), "rows.csv")


MEMORY_CAP = 192 * 1024 * 1024  # address space: the interpreter and parsers (~60 MB) and the file's bytes, little more
CAPPED = """
import resource, sys
from pathlib import Path
from ingestion.parsers import default_registry
from ingestion.settings import IngestionSettings

path = Path(sys.argv[1])
data = path.read_bytes()
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
try:
    default_registry(IngestionSettings(csv_max_rows=1000)).for_path(path).parse(data, path.name)
    print("parsed")
except MemoryError:
    print("MemoryError")
except Exception as exc:
    print(type(exc).__name__, exc)
"""


@pytest.mark.parametrize(
    ("name", "build", "message"),
    [("huge.csv", lambda: huge_csv(1_000_000), "more than 1,000 rows"), ("bomb.docx", docx_bomb, "zip bomb")],
)
def test_hostile_files_are_refused_within_a_memory_cap(tmp_path: Path, name: str, build: object, message: str) -> None:
    """Parsed in a child process whose address space is capped (RLIMIT_AS): refused with the clear error, never a
    MemoryError (the CSV is read as a stream; the zip's declared sizes are checked before anything is inflated)."""
    path = tmp_path / name
    path.write_bytes(build())  # type: ignore[operator]
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", CAPPED, str(path), str(MEMORY_CAP + len(path.read_bytes()))],
        capture_output=True, text=True, timeout=120, cwd=root, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("DocumentReadError") and message in done.stdout, done.stdout


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
