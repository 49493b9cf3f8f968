"""CSV tables (catalogues, price lists): one paragraph per row, ``column: value`` pairs."""

from __future__ import annotations

import csv
import io

from ingestion.decoding import decode_text
from ingestion.documents import Block, ParsedDocument
from ingestion.errors import DocumentReadError


class CsvParser:
    extensions: tuple[str, ...] = (".csv",)

    def parse(self, data: bytes, name: str) -> ParsedDocument:
        text = decode_text(data, name)
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        rows = [r for r in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in r)]
        if len(rows) < 2:
            raise DocumentReadError(f"{name}: a CSV needs a header row and at least one data row")
        header = [h.strip() or f"col{i + 1}" for i, h in enumerate(rows[0])]
        blocks = []
        for row in rows[1:]:
            pairs = [f"{h}: {v.strip()}" for h, v in zip(header, row, strict=False) if v.strip()]
            blocks.append(Block("paragraph", "; ".join(pairs) + "."))
        title = name.rsplit(".", 1)[0].replace("_", " ").replace("-", " ")
        return ParsedDocument(title=title, blocks=blocks)
