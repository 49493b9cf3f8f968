"""Table cells are analysed one by one (a name alone in a cell escapes sentence-level NER), which loses the
column's meaning; the header row gives it back: each cell is analysed as ``"<column header> : <cell>"`` so that
"Téléphone", "N° client" or "Nom" stand before the value as they would in a sentence. Rows are the ``cell | cell``
lines every parser writes for tables; the header is the last row seen (in this text or an earlier one of the
same batch: a table cut between chunks keeps its header) whose cells are short labels without digits or ``@``."""

from __future__ import annotations

import re
from collections.abc import Sequence

CELL = re.compile(r"( \| |\n)")  # table rows ("a | b | c"), split into cells and line breaks
MAX_HEADER_CHARS = 40


def _is_header(cells: Sequence[str]) -> bool:
    return all(
        c.strip() and len(c) <= MAX_HEADER_CHARS and not any(ch.isdigit() or ch == "@" for ch in c) for c in cells
    )


def split_cells(text: str) -> list[str]:
    """``text`` split into cells and separators (cells at even positions), or ``[text]`` when it has no table."""
    return CELL.split(text) if " | " in text else [text]


def cell_prefixes(texts_parts: Sequence[Sequence[str]]) -> list[list[str]]:
    """For each text (as :func:`split_cells` gives it), one prefix per cell: ``"<header> : "`` for a cell of a row
    that has as many cells as the current header, ``""`` otherwise."""
    header: list[str] | None = None
    out: list[list[str]] = []
    for parts in texts_parts:
        cells = list(parts[::2])
        prefixes = [""] * len(cells)
        row: list[int] = []
        for i in range(len(cells)):
            row.append(i)
            ends_row = 2 * i + 1 >= len(parts) or parts[2 * i + 1] == "\n"
            if not ends_row:
                continue
            values = [cells[k].strip() for k in row]
            if len(row) >= 2 and _is_header(values):
                header = values
            elif header is not None and len(row) == len(header) >= 2:
                for k, label in zip(row, header, strict=True):
                    prefixes[k] = f"{label} : " if cells[k].strip() else ""
            row = []
        out.append(prefixes)
    return out
