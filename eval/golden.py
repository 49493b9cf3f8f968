"""Question sets: one JSON object per line, validated on load (an error names the line and the field).

Fields (only ``question`` is required):

- ``id`` (string): unique in the file (default ``line<N>``);
- ``question`` (string): as staff would type it;
- ``language`` (string): its language code (``fr``, ``en``...);
- ``role`` (string, default ``store``) and ``store`` (string or null): who asks (the access filter of the answer);
- ``answerable`` (bool, default true): false when no document the role may read answers it (a refusal is right);
- ``acl_denied`` (bool): the answer is in a document the role may *not* read (a refusal is right);
- ``gold`` (list of strings): document ids or source file stems that answer it (retrieval is scored on them);
- ``expected_keywords`` (list of strings): every one must be in a correct answer (numbers compared by value);
- ``expected_answer`` (string): the answer a reviewer wrote (reference only; answers are judged on the keywords);
- ``tags`` (list of strings): free labels (``harvested``, ``sales``...); ``split`` (``dev``/``test``): public sets.

The sets under ``eval/datasets`` are examples; operators bring their own (``assistant eval run --dataset FILE``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATASETS = Path(__file__).resolve().parent / "datasets"
SAMPLES_GOLDEN = DATASETS / "samples_golden.jsonl"
_STRINGS = ("id", "question", "language", "role", "expected_answer", "split")
_LISTS = ("gold", "expected_keywords", "tags")
_BOOLS = ("answerable", "acl_denied")
FIELDS = (*_STRINGS, "store", *_LISTS, *_BOOLS)


@dataclass(frozen=True)
class GoldenQuestion:
    id: str
    question: str
    language: str
    gold: tuple[str, ...]
    answerable: bool
    role: str = "store"
    expected_keywords: tuple[str, ...] = field(default=())
    acl_denied: bool = False
    split: str = ""  # "dev" or "test" in the public question sets (eval.question_sets), else empty
    store: str | None = None
    tags: tuple[str, ...] = field(default=())
    expected_answer: str = ""


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _problem(row: Any) -> str | None:
    """What is wrong with one parsed line (None when it is a valid question)."""
    if not isinstance(row, dict):
        return "not a JSON object"
    unknown = sorted(set(row) - set(FIELDS))
    problems = [f"unknown field {', '.join(unknown)} (fields: {', '.join(FIELDS)})"] if unknown else []
    if not isinstance(row.get("question"), str) or not row["question"].strip():
        problems.append("'question' must be a non-empty string")
    problems += [f"'{n}' must be a string, not {json.dumps(row[n])}" for n in _STRINGS
                 if n in row and not isinstance(row[n], str)]  # fmt: skip
    if row.get("store") is not None and not isinstance(row["store"], str):
        problems.append("'store' must be a string or null")
    problems += [f"'{n}' must be a list of strings" for n in _LISTS if n in row and not _strings(row[n])]
    problems += [f"'{n}' must be true or false, not {json.dumps(row[n])}" for n in _BOOLS
                 if n in row and not isinstance(row[n], bool)]  # fmt: skip
    return problems[0] if problems else None


def load_golden(path: Path = SAMPLES_GOLDEN) -> list[GoldenQuestion]:
    """Every question of ``path``; ValueError naming the first bad line (its number and field) or a repeated id."""
    questions: list[GoldenQuestion] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: not JSON ({exc.msg}); one question object per line") from None
        problem = _problem(row)
        if problem:
            raise ValueError(f"{path}:{number}: {problem}")
        qid = row.get("id", f"line{number}")
        if qid in seen:
            raise ValueError(f"{path}:{number}: id {qid!r} already used on line {seen[qid]}; ids must be unique")
        seen[qid] = number
        questions.append(
            GoldenQuestion(
                id=qid,
                question=row["question"],
                language=row.get("language", ""),
                gold=tuple(row.get("gold", [])),
                answerable=row.get("answerable", True),
                role=row.get("role", "store"),
                expected_keywords=tuple(row.get("expected_keywords", [])),
                acl_denied=row.get("acl_denied", False),
                split=row.get("split", ""),
                store=row.get("store"),
                tags=tuple(row.get("tags", [])),
                expected_answer=row.get("expected_answer", ""),
            )
        )
    return questions
