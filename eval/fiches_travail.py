"""Public French question set from the npm package ``@socialgouv/fiches-travail-data`` (the labour ministry's
practical sheets, travail-emploi.gouv.fr).

The package (Apache-2.0, pinned below with its npm sha512 integrity; 2.6 MB .tgz) holds one JSON file,
``package/data/fiches-travail.json``: a list of 269 sheets ``{title, description, intro, pubId, url, date,
sections: [{title, anchor, html, text, description, references}]}``. Sections are headed (``title``) and their
``html`` has sub-headings (``h3``-``h6``), lists and tables. 954 of the 2,219 section titles are questions
("Quelle est la durée maximale du stage ?"), as are many sub-headings: the sheets are written as answers to the
questions employees and employers ask.

Each sheet becomes one HTML page (``<title>``, ``<h1>`` title, the intro, then each section as ``<h2>`` + its html;
a first section titled like the sheet gets no heading), so the product parses and chunks it as it does any HTML
page. Questions follow :mod:`eval.question_sets`: question-shaped section titles and sub-headings that stand on
their own become questions whose gold is the sheet, and are removed from the page. A seeded sample of sheets keeps
the corpus small enough to embed on a 2-core machine (80 sheets: 1,854 chunks, 294 questions).
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import sys
import tarfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.npm import NpmPackage, fetch_npm_tarball
from eval.question_sets import SetDocument, SetQuestion, normalise, stands_alone, write_set

PACKAGE = NpmPackage(
    "@socialgouv/fiches-travail-data",
    "4.1174.0",
    "sha512-ZfaR252dHkcwWavmCg4yIEBTHBQ8VIxn70vcz/azshDLyfCYyuomxyDw8fyPDzHh+IOzNS0dnMwZMYLu9Z2KXg==",
)
MEMBER = "package/data/fiches-travail.json"
DEFAULT_DOCS = 80
_HEADING = re.compile(r"<(h[1-6])\b[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def load_sheets(tarball: Path) -> list[dict[str, Any]]:
    """The package's sheets, in file order (read straight from the .tgz)."""
    with tarfile.open(tarball, "r:gz") as tar:
        handle = tar.extractfile(MEMBER)
        if handle is None:
            raise RuntimeError(f"{tarball}: no {MEMBER}; is it {PACKAGE.name}@{PACKAGE.version}?")
        sheets: list[dict[str, Any]] = json.load(handle)
    return sheets


def _take_questions(fragment: str, found: list[str]) -> str:
    """``fragment`` without its question-shaped sub-headings that stand alone (appended to ``found``)."""

    def drop(match: re.Match[str]) -> str:
        text = _plain(match.group(2))
        if stands_alone(text):
            found.append(text)
            return ""
        return match.group(0)

    return _HEADING.sub(drop, fragment)


def sheet_document(sheet: dict[str, Any]) -> tuple[SetDocument, list[SetQuestion]]:
    """One sheet as an HTML page (named by its ``pubId``) and the questions taken out of it."""
    name = str(sheet["pubId"])
    title = " ".join(str(sheet["title"]).split())
    found: list[str] = []
    parts = [f"<h1>{html.escape(title)}</h1>", _take_questions(str(sheet.get("intro") or ""), found)]
    for section in sheet.get("sections", []):
        heading = " ".join(str(section.get("title") or "").split())
        if stands_alone(heading):
            found.append(heading)
        elif heading and normalise(heading) != normalise(title):
            parts.append(f"<h2>{html.escape(heading)}</h2>")
        parts.append(_take_questions(str(section.get("html") or ""), found))
    page = (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        f'<title>{html.escape(title)}</title>\n<meta name="audience" content="public">\n</head>\n<body>\n'
        + "\n".join(p for p in parts if p.strip())
        + "\n</body>\n</html>\n"
    )
    return SetDocument(name, ".html", page), [SetQuestion(q, name) for q in found]


def build_set(
    sheets: Sequence[dict[str, Any]], out_dir: Path, max_docs: int | None = DEFAULT_DOCS, seed: int = 0
) -> tuple[Path, Path]:
    """Write ``out_dir/corpus/<pubId>.html`` and ``out_dir/questions.jsonl`` for a seeded sample of sheets."""
    chosen = sorted({str(s["pubId"]): s for s in sheets}.items())
    if max_docs is not None and max_docs < len(chosen):
        chosen = sorted(random.Random(seed).sample(chosen, max_docs))
    documents: list[SetDocument] = []
    questions: list[SetQuestion] = []
    for _, sheet in chosen:
        document, asked = sheet_document(sheet)
        documents.append(document)
        questions.extend(asked)
    return write_set("travail", documents, questions, out_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.fiches_travail", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="output folder (corpus/ and questions.jsonl)")
    parser.add_argument("--max-docs", type=int, default=DEFAULT_DOCS, help="seeded sample size (0: all sheets)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "fiches-travail", help="tarball cache")
    args = parser.parse_args(argv)
    try:
        tarball = fetch_npm_tarball(PACKAGE, args.cache)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    sheets = load_sheets(tarball)
    corpus, questions = build_set(sheets, args.out, args.max_docs or None, args.seed)
    rows = questions.read_text(encoding="utf-8").splitlines()
    docs = len(list(corpus.glob("*.html")))
    name = f"{PACKAGE.name}@{PACKAGE.version}"
    print(f"{name}: {len(sheets)} sheets -> {docs} documents in {corpus}, {len(rows)} questions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
