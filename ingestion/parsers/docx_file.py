"""Word documents: core properties (title, keywords ``audience:...``, language), heading styles, tables.

A .docx is a zip: before python-docx opens it, the sizes its parts declare are added up, and a file that would unzip
to more than ``max_unzipped_bytes``, or to more than ``max_ratio`` times its own size, is refused (a zip bomb). The
zip reader never inflates a part past its declared size (a part that lies fails its CRC check), so the declared sizes
bound the memory used."""

from __future__ import annotations

import io
import re
import zipfile

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingestion.documents import Block, ParsedDocument, audience_from_keywords, keyword_value, split_tags
from ingestion.errors import DocumentReadError

_HEADING_STYLE = re.compile(r"^(?:heading|titre)\s*(\d)$", re.IGNORECASE)
DEFAULT_MAX_UNZIPPED = 200 * 1024 * 1024
DEFAULT_MAX_RATIO = 100
_RATIO_FLOOR = 1024 * 1024  # below this, a high ratio is only a small, repetitive document


def _paragraph_block(par: Paragraph) -> Block | None:
    text = " ".join(par.text.split())
    if not text:
        return None
    style = (par.style.name if par.style is not None else "") or ""
    m = _HEADING_STYLE.match(style.strip())
    if m:
        return Block("heading", text, int(m.group(1)))
    if style.strip().lower() in {"title", "titre"}:
        return Block("heading", text, 1)
    return Block("paragraph", text)


class DocxParser:
    extensions: tuple[str, ...] = (".docx",)

    def __init__(self, max_unzipped_bytes: int = DEFAULT_MAX_UNZIPPED, max_ratio: int = DEFAULT_MAX_RATIO) -> None:
        self.max_unzipped_bytes = max_unzipped_bytes
        self.max_ratio = max_ratio

    def _check_size(self, data: bytes, name: str) -> None:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                unzipped = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, ValueError):
            return  # not a zip: python-docx says so below
        ratio = unzipped / max(len(data), 1)
        if unzipped > self.max_unzipped_bytes or (unzipped > _RATIO_FLOOR and ratio > self.max_ratio):
            raise DocumentReadError(
                f"{name}: unzips to {unzipped / 1e6:,.0f} MB, {ratio:,.0f} times its size (limits: "
                f"{self.max_unzipped_bytes / 1e6:,.0f} MB, {self.max_ratio}x): a zip bomb, not a document; re-save it "
                "from Word, or raise ASSISTANT_INGESTION_MAX_UNZIPPED_BYTES / _MAX_UNZIP_RATIO"
            )

    def parse(self, data: bytes, name: str) -> ParsedDocument:
        self._check_size(data, name)
        try:
            doc = Document(io.BytesIO(data))
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise DocumentReadError(
                f"{name}: not a readable .docx ({type(exc).__name__}); it is corrupt, or an old .doc "
                "renamed — open and re-save it as .docx"
            ) from None
        blocks: list[Block] = []
        for item in doc.iter_inner_content():
            if isinstance(item, Paragraph):
                block = _paragraph_block(item)
                if block:
                    blocks.append(block)
            elif isinstance(item, Table):
                for row in item.rows:
                    cells = list(dict.fromkeys(" ".join(c.text.split()) for c in row.cells))
                    text = " | ".join(c for c in cells if c)
                    if text:
                        blocks.append(Block("paragraph", text))
        if not blocks:
            raise DocumentReadError(f"{name}: the document has no text")
        props = doc.core_properties
        audience = audience_from_keywords(props.keywords or "") or split_tags(props.category or "")
        title = (props.title or "").strip() or next(
            (b.text for b in blocks if b.kind == "heading"), name.rsplit(".", 1)[0]
        )
        language = (props.language or "").split("-")[0].lower()
        keywords = props.keywords or ""
        return ParsedDocument(
            title=title,
            blocks=blocks,
            audience=audience,
            language=language,
            confidentiality=keyword_value(keywords, "confidentiality").lower(),
            stores=split_tags(keyword_value(keywords, "stores")),
            regions=split_tags(keyword_value(keywords, "regions")),
        )
