"""CSV tables (catalogues, price lists): one paragraph per row, ``column: value`` pairs.

Rows are read as a stream, decoded on the fly: memory grows with the rows kept (at most ``max_rows``), never with
the file. A file with more rows than that is refused as soon as the row past the limit is read.
"""

from __future__ import annotations

import csv
import itertools

from ingestion.decoding import text_stream
from ingestion.documents import Block, ParsedDocument
from ingestion.errors import DocumentReadError

DEFAULT_MAX_ROWS = 100_000


class CsvParser:
    extensions: tuple[str, ...] = (".csv",)

    def __init__(self, max_rows: int = DEFAULT_MAX_ROWS) -> None:
        self.max_rows = max_rows

    def parse(self, data: bytes, name: str) -> ParsedDocument:
        stream = text_stream(data, name)
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(stream.read(8192), delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        stream.seek(0)
        rows = (r for r in csv.reader(stream, dialect) if any(c.strip() for c in r))
        try:
            header = [h.strip() or f"col{i + 1}" for i, h in enumerate(next(rows, []))]
            blocks = [_row_block(header, row) for row in itertools.islice(rows, self.max_rows)]
            beyond = next(rows, None) is not None
        except csv.Error as exc:
            raise DocumentReadError(
                f"{name}: not a readable CSV ({exc}); check its quoting, or re-export it from its source application"
            ) from None
        if beyond:
            raise DocumentReadError(
                f"{name}: more than {self.max_rows:,} rows; split the file, or raise ASSISTANT_INGESTION_CSV_MAX_ROWS"
            )
        if not header or not blocks:
            raise DocumentReadError(f"{name}: a CSV needs a header row and at least one data row")
        title = name.rsplit(".", 1)[0].replace("_", " ").replace("-", " ")
        return ParsedDocument(title=title, blocks=blocks)


def _row_block(header: list[str], row: list[str]) -> Block:
    pairs = [f"{h}: {v.strip()}" for h, v in zip(header, row, strict=False) if v.strip()]
    return Block("paragraph", "; ".join(pairs) + ".")
