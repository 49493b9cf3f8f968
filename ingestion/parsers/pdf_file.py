"""PDF with a text layer: metadata (Title, Keywords ``audience:...``), headings found by font size."""

from __future__ import annotations

import io
import logging
from collections import Counter
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from ingestion.documents import Block, ParsedDocument, audience_from_keywords, keyword_value, split_tags
from ingestion.errors import DocumentReadError

logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns on every slightly malformed file


@dataclass
class _Line:
    y: float
    size: float
    text: str
    end_x: float = 0.0  # where the last fragment of the line is expected to end (for table-cell detection)

    @property
    def is_table_row(self) -> bool:
        return CELL in self.text


CELL = " | "
_CHAR_WIDTH = 0.6  # upper bound of a glyph's width as a fraction of the font size (Helvetica/DejaVu)


def _page_lines(page: object) -> list[_Line]:
    lines: list[_Line] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        scale = abs(tm[3]) or 1.0
        y = round(tm[5] * abs(cm[3] or 1.0) + cm[5], 1)
        x = tm[4] * abs(cm[0] or 1.0) + cm[4]
        for i, piece in enumerate(text.split("\n")):
            if not piece.strip():
                continue
            width = len(piece) * size * scale * _CHAR_WIDTH
            if i > 0 or not lines or abs(lines[-1].y - y) > 0.5:
                lines.append(_Line(y, size * scale, piece, x + width))
            else:
                line = lines[-1]
                # a fragment starting well after the previous one's end is the next cell of a table row
                joiner = CELL if x - line.end_x > 2 * size * scale else ""
                line.text = f"{line.text.rstrip()}{joiner}{piece.lstrip()}" if joiner else line.text + piece
                line.size = max(line.size, size * scale)
                line.end_x = x + width

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return [ln for ln in lines if ln.text.strip()]


def _blocks(lines: list[_Line]) -> list[Block]:
    sizes: Counter[float] = Counter()
    for ln in lines:
        sizes[round(ln.size, 1)] += len(ln.text)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    blocks: list[Block] = []
    para: list[str] = []
    prev_y: float | None = None
    paragraph_gap = body * 1.8  # more than ~1.5 lines of vertical space separates paragraphs

    def flush() -> None:
        if para:
            blocks.append(Block("paragraph", " ".join(" ".join(para).split())))
            para.clear()

    for ln in lines:
        text = ln.text.strip()
        if body and ln.size >= body * 1.15 and len(text) <= 120:
            flush()
            level = 1 if ln.size >= body * 1.6 else 2
            if blocks and blocks[-1].kind == "heading" and blocks[-1].level == level:
                blocks[-1] = Block("heading", f"{blocks[-1].text} {text}", level)  # wrapped heading
            else:
                blocks.append(Block("heading", text, level))
        elif ln.is_table_row:  # each table row is its own block, as in DOCX and HTML
            flush()
            blocks.append(Block("paragraph", " ".join(text.split())))
        else:
            if prev_y is not None and body and abs(prev_y - ln.y) > paragraph_gap:
                flush()
            para.append(text)
        prev_y = ln.y
    flush()
    return blocks


class PdfParser:
    extensions: tuple[str, ...] = (".pdf",)

    def parse(self, data: bytes, name: str) -> ParsedDocument:
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise DocumentReadError(f"{name}: the PDF is password-protected; export an unprotected copy")
            meta = reader.metadata
            title = str(meta.title or "") if meta else ""
            keywords = str(meta.get("/Keywords", "") or "") if meta else ""
            blocks: list[Block] = []
            for page in reader.pages:
                blocks.extend(_blocks(_page_lines(page)))
        except DocumentReadError:
            raise
        except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
            raise DocumentReadError(
                f"{name}: cannot read this PDF ({type(exc).__name__}: {exc}); it is corrupt or truncated — "
                "re-export it from its source application"
            ) from None
        if not blocks:
            raise DocumentReadError(f"{name}: the PDF has no text layer (a scan?); run OCR on it before ingesting")
        if not title:
            title = next((b.text for b in blocks if b.kind == "heading"), name.rsplit(".", 1)[0])
        return ParsedDocument(
            title=title,
            blocks=blocks,
            audience=audience_from_keywords(keywords),
            confidentiality=keyword_value(keywords, "confidentiality").lower(),
            stores=split_tags(keyword_value(keywords, "stores")),
            regions=split_tags(keyword_value(keywords, "regions")),
        )
