"""Markdown and plain text, with an optional ``---`` front-matter block (title, audience, lang)."""

from __future__ import annotations

import re

from ingestion.decoding import decode_text
from ingestion.documents import Block, ParsedDocument, split_tags
from ingestion.errors import DocumentReadError

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_FRONT_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")
SHORT_LINE = 50  # characters: a plain-text paragraph whose lines are all this short is line-structured
_HARD_BREAK = re.compile(r"(?: {2,}|\\)$")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """``---\\nkey: value\\n---`` at the very top -> (metadata, rest). Keys are lower-cased."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, min(len(lines), 60)):
        if lines[end].strip() in ("---", "..."):
            meta: dict[str, str] = {}
            for line in lines[1:end]:
                m = _FRONT_KEY.match(line.strip())
                if m:
                    meta[m.group(1).lower()] = m.group(2).strip().strip("\"'")
            return meta, "\n".join(lines[end + 1 :])
    return {}, text


def _inline(text: str) -> str:
    return _EMPHASIS.sub("", _LINK.sub(r"\1", text)).strip()


def _table_row(line: str) -> str | None:
    """A Markdown table row as ``cell | cell`` (the HTML, Word and PDF parsers' form); None for the ``|---|`` rule."""
    if _TABLE_RULE.match(line):
        return None
    cells = [_inline(c) for c in line.strip().strip("|").split("|")]
    return " | ".join(c for c in cells if c)


def _finish(meta: dict[str, str], blocks: list[Block], name: str) -> ParsedDocument:
    if not any(b.text.strip() for b in blocks):
        raise DocumentReadError(f"{name}: no text to index (the file is empty or only metadata)")
    title = meta.get("title") or next((b.text for b in blocks if b.kind == "heading"), "")
    return ParsedDocument(
        title=title or name.rsplit(".", 1)[0],
        blocks=blocks,
        audience=split_tags(meta.get("audience", "")),
        language=meta.get("lang", meta.get("language", "")).lower(),
        confidentiality=meta.get("confidentiality", "").lower(),
        stores=split_tags(meta.get("stores", "")),
        regions=split_tags(meta.get("regions", "")),
    )


class MarkdownParser:
    extensions: tuple[str, ...] = (".md", ".markdown")

    def parse(self, data: bytes, name: str) -> ParsedDocument:
        meta, body = split_front_matter(decode_text(data, name))
        blocks: list[Block] = []
        para: list[str] = []
        in_code = False

        def flush() -> None:
            # a hard line break (two trailing spaces or a backslash) stays a line break: form fields, addresses
            parts = [_inline(p.rstrip("\\")) + ("\n" if _HARD_BREAK.search(p) else " ") for p in para if p.strip()]
            text = "".join(parts).strip()
            if text:
                blocks.append(Block("paragraph", text))
            para.clear()

        for line in body.splitlines():
            stripped = line.strip()
            if stripped.startswith("```"):
                in_code = not in_code
                continue
            heading = None if in_code else _HEADING.match(stripped)
            if heading:
                flush()
                blocks.append(Block("heading", _inline(heading.group(2)), len(heading.group(1))))
            elif not in_code and _SETEXT.match(stripped) and len(para) == 1:
                text = para.pop()
                flush()
                blocks.append(Block("heading", _inline(text), 1 if stripped[0] == "=" else 2))
            elif not stripped:
                flush()
            elif not in_code and stripped.startswith("|"):
                flush()  # each table row is its own line: a flattened table reads as one run-on sentence
                row = _table_row(stripped)
                if row:
                    blocks.append(Block("paragraph", row))
            elif stripped.startswith(("- ", "* ", "+ ")) or re.match(r"^\d+[.)]\s", stripped):
                flush()  # each list item is its own paragraph, so chunking never splits inside one
                para.append(stripped)
                flush()
            else:
                para.append(line.lstrip())
        flush()
        return _finish(meta, blocks, name)


class TextParser:
    extensions: tuple[str, ...] = (".txt",)

    def parse(self, data: bytes, name: str) -> ParsedDocument:
        meta, body = split_front_matter(decode_text(data, name))
        blocks: list[Block] = []
        for raw in re.split(r"\n\s*\n", body):
            lines = [" ".join(line.split()) for line in raw.splitlines() if line.strip()]
            # short lines (a signature, an address, a form) keep their breaks; wrapped prose is joined
            short = len(lines) > 1 and all(len(line) <= SHORT_LINE for line in lines)
            text = ("\n" if short else " ").join(lines)
            if not text:
                continue
            # a lone short line without final punctuation reads as a heading in plain-text documents
            is_heading = "\n" not in raw.strip() and len(text) <= 80 and text[-1] not in ".!?;,"
            blocks.append(Block("heading", text, 2) if is_heading else Block("paragraph", text))
        return _finish(meta, blocks, name)
