"""What a parser produces: a title, metadata and an ordered list of structural blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph"]


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str
    level: int = 0  # heading level (1 = top); 0 for paragraphs


@dataclass
class ParsedDocument:
    title: str
    blocks: list[Block]
    audience: list[str] = field(default_factory=list)  # declared inside the document, if any
    language: str = ""  # declared inside the document, if any

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


def split_tags(value: str) -> list[str]:
    """``"store, HQ"`` -> ``["store", "hq"]`` (order kept, duplicates dropped)."""
    seen: dict[str, None] = {}
    for part in value.replace(";", ",").split(","):
        tag = part.strip().lower()
        if tag:
            seen[tag] = None
    return list(seen)


def audience_from_keywords(keywords: str) -> list[str]:
    """Read ``audience:store,hq`` out of a PDF/DOCX keywords field (other keywords separated by ``;``)."""
    for item in keywords.split(";"):
        key, sep, value = item.partition(":")
        if sep and key.strip().lower() == "audience":
            return split_tags(value)
    return []
