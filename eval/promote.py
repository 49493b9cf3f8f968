"""Promote: the reviewed entries of a review file (:mod:`eval.harvest`) appended to a question set
(:mod:`eval.golden`).

An entry is reviewed once a reviewer filled any of ``expected_answer``, ``expected_keywords``, ``answerable`` or
``gold``; the others are pending and left alone. A reviewed entry is promoted when it is complete: ``answerable``
false (no document answers it: a refusal is right), or ``expected_keywords`` and ``gold`` filled (``answerable``
true or left null). It becomes the question-set line::

    {"id": "h-<seq>", "question", "language", "gold", "answerable", "expected_keywords", "role", "store"?,
     "expected_answer"?, "tags": ["harvested"]}

A line is refused, with its number and the field to fill or fix, when it is incomplete or malformed, when its id is
already in the question set (or earlier in the file), or when the same question is; the other lines still go in.
With a protector, the question and what the reviewer typed go through the privacy boundary again before they are
written (a name typed in ``expected_answer`` becomes its pseudonym token).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core.protection import TextProtector
from eval.golden import load_golden

TAGS = ["harvested"]


class PromoteError(ValueError):
    """The question set cannot be read (the message names the file, the line and the field)."""


class LineError(ValueError):
    """One review line cannot be promoted; the message names the field to fill or fix."""


@dataclass(frozen=True)
class Refusal:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class PromoteReport:
    """``promoted``: the ids appended; ``pending``: entries not reviewed yet; ``refused``: the lines left out."""

    promoted: list[str] = field(default_factory=list)
    pending: int = 0
    refused: list[Refusal] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "promoted": len(self.promoted),
            "pending": self.pending,
            "refused": [{"line": r.line, "message": r.message} for r in self.refused],
        }


def _strings(entry: dict[str, Any], name: str) -> list[str]:
    value = entry.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LineError(f"'{name}' must be a list of strings, e.g. [\"30 jours\"]")
    return [v.strip() for v in value if v.strip()]


def _text(entry: dict[str, Any], name: str) -> str:
    value = entry.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise LineError(f"'{name}' must be a string")
    return value.strip()


def golden_row(entry: Any) -> dict[str, Any] | None:
    """The question-set line of a review entry; None while it is not reviewed; :class:`LineError` (naming the field
    to fill or fix) when it is incomplete or malformed."""
    if not isinstance(entry, dict):
        raise LineError("not a JSON object: one review entry per line, as 'assistant eval harvest' wrote it")
    seq = entry.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise LineError("'seq' is missing or not a positive integer: keep the audit seq harvest wrote")
    question = _text(entry, "question")
    if not question:
        raise LineError("'question' is empty: keep the question harvest wrote")
    answerable = entry.get("answerable")
    if answerable is not None and not isinstance(answerable, bool):
        raise LineError(f"'answerable' must be true, false or null, not {json.dumps(answerable)}")
    keywords, gold, expected = (
        _strings(entry, "expected_keywords"),
        _strings(entry, "gold"),
        _text(entry, "expected_answer"),
    )
    if answerable is None and not (keywords or gold or expected):
        return None
    if answerable is not False:
        if not keywords:
            raise LineError(
                "fill 'expected_keywords' (words every correct answer contains), or set 'answerable' to false"
            )
        if not gold:
            raise LineError(
                "fill 'gold' (the document ids or file stems that answer it: see 'sources'), or set 'answerable' to "
                "false"
            )
    row: dict[str, Any] = {
        "id": f"h-{seq}",
        "question": question,
        "language": _text(entry, "language"),
        "gold": gold,
        "answerable": answerable is not False,
        "expected_keywords": keywords,
        "role": _text(entry, "role") or "store",
    }
    if isinstance(entry.get("store"), str) and entry["store"]:
        row["store"] = entry["store"]
    if expected:
        row["expected_answer"] = expected
    row["tags"] = list(TAGS)
    return row


def _protected(row: dict[str, Any], protector: TextProtector) -> dict[str, Any]:
    keywords = row["expected_keywords"]
    texts = [row["question"], *keywords, *([row["expected_answer"]] if "expected_answer" in row else [])]
    safe = [p.text for p in protector.protect(texts, [row["language"] or "fr"] * len(texts))]
    out = {**row, "question": safe[0], "expected_keywords": safe[1 : 1 + len(keywords)]}
    if "expected_answer" in row:
        out["expected_answer"] = safe[-1]
    return out


def _folded(question: str) -> str:
    return " ".join(question.casefold().split())


def _existing(dataset: Path) -> tuple[set[str], dict[str, str]]:
    """The ids and the questions (folded -> id) of ``dataset`` (nothing when it does not exist yet)."""
    if not dataset.exists():
        return set(), {}
    try:
        questions = load_golden(dataset)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise PromoteError(f"{dataset}: cannot be read as a question set ({exc}); fix it first") from None
    return {q.id for q in questions}, {_folded(q.question): q.id for q in questions}


def promote(review: Path, dataset: Path, protector: TextProtector | None = None) -> PromoteReport:
    """Append the complete reviewed entries of ``review`` to ``dataset`` (created if missing), in one write."""
    ids, questions = _existing(dataset)
    try:
        lines = review.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise PromoteError(f"{review}: cannot be read ({exc})") from None
    report, rows = PromoteReport(), []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as exc:
                raise LineError(f"not JSON ({exc.msg})") from None
            row = golden_row(entry)
            if row is None:
                report.pending += 1
                continue
            if protector is not None:
                row = _protected(row, protector)
            if row["id"] in ids:
                raise LineError(f"{row['id']} is already in {dataset.name}")
            same = questions.get(_folded(row["question"]))
            if same is not None:
                raise LineError(f"the same question is already in {dataset.name} as {same}")
        except LineError as exc:
            report.refused.append(Refusal(number, str(exc)))
            continue
        ids.add(row["id"])
        questions[_folded(row["question"])] = row["id"]
        rows.append(row)
        report.promoted.append(row["id"])
    if rows:
        _append(dataset, rows)
    return report


def _append(dataset: Path, rows: list[dict[str, Any]]) -> None:
    before = dataset.read_text(encoding="utf-8") if dataset.exists() else ""
    if before and not before.endswith("\n"):
        before += "\n"
    added = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    part = dataset.with_name(f".{dataset.name}.part")
    part.write_text(before + added, encoding="utf-8")
    os.replace(part, dataset)
