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
    confidentiality: str = ""  # public | internal | confidential | secret, if declared
    stores: list[str] = field(default_factory=list)  # store codes the document is meant for, if declared
    regions: list[str] = field(default_factory=list)  # regions the document is meant for, if declared

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


def keyword_value(keywords: str, name: str) -> str:
    """Read ``name:value`` out of a PDF/DOCX keywords field (``audience:store,hq; confidentiality:internal``)."""
    for item in keywords.split(";"):
        key, sep, value = item.partition(":")
        if sep and key.strip().lower() == name:
            return value.strip()
    return ""


def audience_from_keywords(keywords: str) -> list[str]:
    return split_tags(keyword_value(keywords, "audience"))
