"""Build the PDF and DOCX documents of the sample corpus (``ingestion/samples``), deterministically.

Run from the repository root::

    .venv/bin/python -m eval.sample_corpus

The text lives in ``eval/corpus/sample_documents.toml`` (its header describes the markup); the Markdown, text, HTML
and CSV documents of ``ingestion/samples`` are plain files and are not touched here.
Creation/modification dates and ZIP timestamps are fixed so that re-running the
script with the same library versions produces byte-identical files.
Audience metadata follows the corpus convention: PDF ``Keywords`` and DOCX core
property ``keywords`` hold ``audience:<a>,<b>``.
"""

from __future__ import annotations

import io
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.shared import Pt
from fpdf import FPDF
from fpdf.enums import XPos, YPos

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "ingestion" / "samples"
TEXTS = Path(__file__).resolve().parent / "corpus" / "sample_documents.toml"
FIXED_DATE = datetime(2025, 2, 3, 9, 0, 0, tzinfo=UTC)
ZIP_DATE = (2025, 2, 3, 9, 0, 0)
AUTHOR = "Maison Lumière"
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)


@dataclass(frozen=True)
class SampleDoc:
    """One generated document: path relative to ``ingestion/samples``."""

    path: str
    title: str
    audience: str
    lang: str
    body: str


def sample_documents(path: Path = TEXTS) -> list[SampleDoc]:
    """The documents described in ``path`` (a ``[[document]]`` table each)."""
    with path.open("rb") as handle:
        return [SampleDoc(**entry) for entry in tomllib.load(handle)["document"]]


@dataclass(frozen=True)
class Block:
    """A parsed block of the mini-markup: kind is h1, h2, p, ul or table."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


def parse(body: str) -> list[Block]:
    """Parse the mini-markup described at the top of ``eval/corpus/sample_documents.toml``."""
    blocks: list[Block] = []
    for chunk in body.strip().split("\n\n"):
        lines = [line.rstrip() for line in chunk.strip("\n").splitlines() if line.strip()]
        if not lines:
            continue
        first = lines[0]
        if first.startswith("## "):
            blocks.append(Block("h2", text=first[3:].strip()))
        elif first.startswith("# "):
            blocks.append(Block("h1", text=first[2:].strip()))
        elif first.startswith("|"):
            rows = tuple(
                tuple(cell.strip() for cell in line.strip().strip("|").split("|"))
                for line in lines
                if not set(line.replace("|", "").strip()) <= {"-", ":", " "}
            )
            blocks.append(Block("table", rows=rows))
        elif first.startswith("- "):
            items: list[str] = []
            for line in lines:
                if line.startswith("- "):
                    items.append(line[2:].strip())
                else:
                    items[-1] = f"{items[-1]} {line.strip()}"
            blocks.append(Block("ul", items=tuple(items)))
        else:
            blocks.append(Block("p", text=" ".join(line.strip() for line in lines)))
    return blocks


def audience_keywords(doc: SampleDoc) -> str:
    """``"store, hq"`` -> ``"audience:store,hq"``."""
    parts = [part.strip() for part in doc.audience.split(",") if part.strip()]
    return "audience:" + ",".join(parts)


def find_font_dir() -> Path:
    """Locate a directory holding DejaVuSans.ttf and DejaVuSans-Bold.ttf."""
    for directory in FONT_CANDIDATES:
        if (directory / "DejaVuSans.ttf").is_file() and (directory / "DejaVuSans-Bold.ttf").is_file():
            return directory
    raise FileNotFoundError("DejaVu fonts not found: install them with `apt-get install -y fonts-dejavu-core`")


class _Pdf(FPDF):
    """FPDF with a discreet footer: company name and page number."""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 6, f"Maison Lumière — document interne — page {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def render_pdf(doc: SampleDoc, blocks: list[Block], font_dir: Path) -> bytes:
    """Render blocks as an A4 PDF with real (extractable) text."""
    pdf = _Pdf(format="A4")
    pdf.add_font("DejaVu", "", str(font_dir / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(font_dir / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_title(doc.title)
    pdf.set_keywords(audience_keywords(doc))
    pdf.set_author(AUTHOR)
    pdf.set_subject(doc.title)
    pdf.set_creator("ingestion.samples_build")  # kept: the creator is part of the built bytes
    pdf.set_lang(doc.lang)
    pdf.set_creation_date(FIXED_DATE)
    pdf.add_page()
    for block in blocks:
        if block.kind == "h1":
            pdf.set_font("DejaVu", "B", 16)
            pdf.multi_cell(0, 8, block.text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(3)
        elif block.kind == "h2":
            pdf.ln(2)
            pdf.set_font("DejaVu", "B", 12.5)
            pdf.multi_cell(0, 7, block.text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
        elif block.kind == "p":
            pdf.set_font("DejaVu", "", 10)
            pdf.multi_cell(0, 5.2, block.text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2)
        elif block.kind == "ul":
            pdf.set_font("DejaVu", "", 10)
            for item in block.items:
                pdf.set_x(pdf.l_margin + 4)
                pdf.multi_cell(pdf.epw - 4, 5.2, f"• {item}", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2)
        elif block.kind == "table":
            pdf.set_font("DejaVu", "", 8.5 if len(block.rows[0]) > 4 else 9)
            with pdf.table(line_height=4.6, text_align="LEFT", first_row_as_headings=True) as table:
                for row in block.rows:
                    cells = table.row()
                    for value in row:
                        cells.cell(value)
            pdf.ln(3)
    return bytes(pdf.output())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a ZIP archive with fixed timestamps and permissions."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def render_docx(doc: SampleDoc, blocks: list[Block]) -> bytes:
    """Render blocks as DOCX with Heading 1/Heading 2 styles and grid tables."""
    document = Document()
    props = document.core_properties
    props.title = doc.title
    props.keywords = audience_keywords(doc)
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.subject = doc.title
    props.language = doc.lang
    props.revision = 1
    props.created = FIXED_DATE.replace(tzinfo=None)
    props.modified = FIXED_DATE.replace(tzinfo=None)
    props.last_printed = FIXED_DATE.replace(tzinfo=None)
    document.styles["Normal"].font.size = Pt(10.5)
    for block in blocks:
        if block.kind in ("h1", "h2"):
            document.add_heading(block.text, level=1 if block.kind == "h1" else 2)
        elif block.kind == "p":
            document.add_paragraph(block.text)
        elif block.kind == "ul":
            for item in block.items:
                document.add_paragraph(item, style="List Bullet")
        elif block.kind == "table":
            table = document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(block.rows):
                for c, value in enumerate(row):
                    cell = table.cell(r, c)
                    cell.text = value
                    if r == 0:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
            document.add_paragraph()
    buffer = io.BytesIO()
    document.save(buffer)
    return _normalise_zip(buffer.getvalue())


def build(target: Path = SAMPLES_DIR) -> list[Path]:
    """Write every PDF/DOCX of :func:`sample_documents` under ``target``; return the written paths."""
    font_dir = find_font_dir()
    written: list[Path] = []
    for doc in sample_documents():
        blocks = parse(doc.body)
        path = target / doc.path
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".pdf":
            data = render_pdf(doc, blocks, font_dir)
        elif path.suffix == ".docx":
            data = render_docx(doc, blocks)
        else:
            raise ValueError(f"unsupported format: {doc.path}")
        path.write_bytes(data)
        written.append(path)
    return written


def main() -> None:
    for path in build():
        print(f"{path.relative_to(SAMPLES_DIR)}  {path.stat().st_size} bytes", file=sys.stdout)


if __name__ == "__main__":
    main()
