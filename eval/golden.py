"""Golden question sets: one JSON object per line (question, gold source stems, language, role, answerability)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

DATASETS = Path(__file__).resolve().parent / "datasets"
SAMPLES_GOLDEN = DATASETS / "samples_golden.jsonl"


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


def load_golden(path: Path = SAMPLES_GOLDEN) -> list[GoldenQuestion]:
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            questions.append(
                GoldenQuestion(
                    id=str(row.get("id", f"line{number}")),
                    question=row["question"],
                    language=row.get("language", ""),
                    gold=tuple(row.get("gold", [])),
                    answerable=bool(row.get("answerable", True)),
                    role=row.get("role", "store"),
                    expected_keywords=tuple(row.get("expected_keywords", [])),
                    acl_denied=bool(row.get("acl_denied", False)),
                    split=str(row.get("split", "")),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a golden question ({exc}); expected {{question, gold}}") from exc
    return questions
