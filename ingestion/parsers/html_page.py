"""HTML pages: title, ``<meta name="audience">``, ``<html lang>``, headings, paragraphs, lists, tables.

Elements nesting deeper than ``max_depth`` stop the parse at once (a generated or hostile page: its tree would cost
time and memory out of proportion to its text)."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup, Tag

from ingestion.decoding import decode_text
from ingestion.documents import Block, ParsedDocument, split_tags
from ingestion.errors import DocumentReadError

_SKIP = {"script", "style", "nav", "footer", "noscript", "template", "svg", "form"}
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_TEXT_BLOCKS = {"p", "li", "blockquote", "pre", "dd", "dt", "figcaption", "caption"}


def _clean(text: str) -> str:
    return " ".join(text.split())


DEFAULT_MAX_DEPTH = 256


class _TooDeepError(Exception):
    pass


class _BoundedSoup(BeautifulSoup):
    """A soup that refuses to open an element ``max_depth`` levels deep (checked as each tag is pushed)."""

    def __init__(self, markup: str, max_depth: int) -> None:
        self._max_depth = max_depth
        super().__init__(markup, "lxml")  # closes <p>, <li>, <td>... where HTML does, not nesting them

    def pushTag(self, tag: Any) -> None:  # noqa: N802 - BeautifulSoup's name
        if len(self.tagStack) > self._max_depth:
            raise _TooDeepError
        super().pushTag(tag)


def _meta(soup: BeautifulSoup, name: str) -> str:
    tag = soup.find("meta", attrs={"name": name})
    return str(tag.get("content", "")) if isinstance(tag, Tag) else ""


class HtmlParser:
    extensions: tuple[str, ...] = (".html", ".htm")

    def __init__(self, max_depth: int = DEFAULT_MAX_DEPTH) -> None:
        self.max_depth = max_depth

    def parse(self, data: bytes, name: str) -> ParsedDocument:
        try:
            soup = _BoundedSoup(decode_text(data, name), self.max_depth)
        except _TooDeepError:
            raise DocumentReadError(
                f"{name}: elements nested more than {self.max_depth} levels deep (generated or hostile markup); "
                "save the page's text, or raise ASSISTANT_INGESTION_MAX_HTML_DEPTH"
            ) from None
        for tag in soup.find_all(_SKIP):
            tag.decompose()
        audience = split_tags(_meta(soup, "audience"))
        html = soup.find("html")
        lang = str(html.get("lang", "")).split("-")[0].lower() if isinstance(html, Tag) else ""
        title_tag = soup.find("title")
        title = _clean(title_tag.get_text()) if title_tag else ""
        body = soup.find("body") or soup
        blocks: list[Block] = []
        for el in body.find_all([*_HEADINGS, *_TEXT_BLOCKS, "tr"]):
            if not isinstance(el, Tag):
                continue
            if el.name in _TEXT_BLOCKS and el.find_parent([*_TEXT_BLOCKS, "tr"]) is not None:
                continue  # nested (e.g. <p> inside <li>): the outer block already holds the text
            if el.name == "tr":
                cells = [_clean(c.get_text(" ")) for c in el.find_all(["th", "td"])]
                text = " | ".join(c for c in cells if c)
            else:
                text = _clean(el.get_text(" "))
            if not text:
                continue
            if el.name in _HEADINGS:
                blocks.append(Block("heading", text, _HEADINGS[el.name]))
            else:
                blocks.append(Block("paragraph", text))
        if not blocks:
            raise DocumentReadError(f"{name}: no text found in the HTML body; is it a script-only page?")
        if not title:
            title = next((b.text for b in blocks if b.kind == "heading"), name.rsplit(".", 1)[0])
        return ParsedDocument(
            title=title,
            blocks=blocks,
            audience=audience,
            language=lang,
            confidentiality=_meta(soup, "confidentiality").lower(),
            stores=split_tags(_meta(soup, "stores")),
            regions=split_tags(_meta(soup, "regions")),
        )
