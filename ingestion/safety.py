"""What ingestion does about hostile text and names: invisible characters out of every indexed string, and no file
whose path names a person (paths are stored as they are: in the index payload, the registry, reports)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from assistant.core.protection import PiiScanner, TextProtector
from assistant.core.text import clean_text
from ingestion.documents import Block, ParsedDocument
from ingestion.errors import PersonalFileNameError
from privacy.entities import IDENTIFIER


def cleaned(doc: ParsedDocument) -> ParsedDocument:
    """``doc`` without control, bidirectional-override and zero-width characters (:func:`clean_text`): they would
    make indexed text read differently from what is stored, or split a name so detection misses it."""
    blocks = [Block(b.kind, text, b.level) for b in doc.blocks if (text := clean_text(b.text)).strip()]
    return replace(doc, title=clean_text(doc.title), blocks=blocks)


def check_file_name(protector: TextProtector, path: Path, root: Path, language: str) -> None:
    """:class:`PersonalFileNameError` when the file's name (its extension aside), or a folder name below ``root``,
    holds personal data. Each name is read as written and with ``_`` and ``-`` as spaces (``Contrat_Karim_Benali``
    reads as words; ``jean.dupont@maison-lumiere.fr`` as an address). The check stores nothing; only a refused name
    is pseudonymized, to name the file by. A number found only by the word before it (``reclamation-client-2024-1187``,
    ``contrat-88412``) is accepted: in a file name that word says what the file is about, and a case or contract
    number is the name the error recommends."""
    if not isinstance(protector, PiiScanner):
        return  # no privacy boundary (benchmarks with privacy off): nothing is pseudonymized anywhere
    rel = path.relative_to(root) if root in path.parents else Path(path.name)
    stem = rel.with_suffix("") if rel.suffix else rel
    written = clean_text(" / ".join(stem.parts))
    spaced = clean_text(" / ".join(part.replace("_", " ").replace("-", " ") for part in stem.parts))
    found = protector.scan([spaced, written], [language] * 2)
    for text, kinds in zip((spaced, written), found, strict=True):
        if set(kinds) - {IDENTIFIER}:
            shown = protector.protect([text], [language])[0].text
            raise PersonalFileNameError(shown + rel.suffix)
