"""Format parsers behind one small port, picked by file extension."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from ingestion.documents import ParsedDocument
from ingestion.errors import UnsupportedFormatError
from ingestion.settings import IngestionSettings


class Parser(Protocol):
    """Parses the bytes of one file.

    Contract: returns a :class:`ParsedDocument` with at least one non-empty block, or raises
    :class:`ingestion.errors.DocumentReadError` naming the file and the fix (corrupt, encrypted,
    no text, bad encoding). Never raises anything else for bad input.
    """

    extensions: tuple[str, ...]

    def parse(self, data: bytes, name: str) -> ParsedDocument: ...


class ParserRegistry:
    def __init__(self, parsers: list[Parser]) -> None:
        self._by_ext = {ext: p for p in parsers for ext in p.extensions}

    @property
    def extensions(self) -> list[str]:
        return sorted(self._by_ext)

    def supports(self, path: Path) -> bool:
        return path.suffix.lower() in self._by_ext

    def for_path(self, path: Path) -> Parser:
        parser = self._by_ext.get(path.suffix.lower())
        if parser is None:
            raise UnsupportedFormatError(
                f"{path.name}: unsupported format {path.suffix or '(no extension)'!r}; "
                f"supported: {', '.join(self.extensions)}. Convert it to one of them."
            )
        return parser


def default_registry(settings: IngestionSettings | None = None) -> ParserRegistry:
    """Every parser, with the limits of ``settings`` (defaults when None)."""
    from ingestion.parsers.csv_table import CsvParser
    from ingestion.parsers.docx_file import DocxParser
    from ingestion.parsers.html_page import HtmlParser
    from ingestion.parsers.markdown import MarkdownParser, TextParser
    from ingestion.parsers.pdf_file import PdfParser

    s = settings or IngestionSettings()
    return ParserRegistry(
        [
            MarkdownParser(),
            TextParser(),
            HtmlParser(s.max_html_depth),
            PdfParser(),
            DocxParser(s.max_unzipped_bytes, s.max_unzip_ratio),
            CsvParser(s.csv_max_rows),
        ]
    )
