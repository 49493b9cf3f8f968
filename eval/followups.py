"""Follow-up questions measured: each pair of ``eval/datasets/followups.jsonl`` is asked as a conversation (the first
question, then the follow-up with ``follow_up_of``) and, as the baseline, the follow-up alone. Scored on the gold
document (retrieved in the top 5, cited) and the expected keywords; "standalone" pairs (a new topic) check that a
question that needs no context is not pulled back to the previous one.

    python -m eval.followups --data-dir DIR [--llm] [--json]

DIR holds an ingested sample corpus (its audit trail gets the asked questions). The set was written before the
follow-up handling and is not tuned on.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.golden import DATASETS

FOLLOWUPS = DATASETS / "followups.jsonl"


@dataclass(frozen=True)
class Pair:
    id: str
    role: str
    first: str
    question: str
    gold: tuple[str, ...]
    expected_keywords: tuple[str, ...]
    kind: str


def load_pairs(path: Path = FOLLOWUPS) -> list[Pair]:
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            pairs.append(
                Pair(row["id"], row.get("role", "store"), row["first"], row["question"], tuple(row["gold"]),
                     tuple(row.get("expected_keywords", [])), row.get("kind", "elliptic"))
            )  # fmt: skip
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a follow-up pair ({exc}); expected first, question, gold") from exc
    return pairs


def _stem(source: str) -> str:
    return Path(source).stem


def _score(pair: Pair, answer: Any) -> dict[str, bool]:
    retrieved = [_stem(h.chunk.source) for h in answer.hits[:5]]
    cited = {_stem(c.source) for c in answer.citations}
    text = answer.answer.casefold()
    return {
        "retrieved": any(g in retrieved for g in pair.gold),
        "cited": bool(cited & set(pair.gold)),
        "keywords": all(k.casefold() in text for k in pair.expected_keywords) and not answer.refused,
    }


def run(data_dir: Path, llm: bool) -> dict[str, Any]:
    from assistant.container import Container
    from assistant.recording import Asker
    from assistant.settings import load_settings

    overrides: dict[str, Any] = {} if llm else {"llm": {"backend": "none"}}
    c = Container(load_settings(data_dir=data_dir, **overrides))
    rows = []
    try:
        for pair in load_pairs():
            asker = Asker(pair.role, "eval.followups")
            first = c.service.ask(pair.first, asker)
            alone = c.service.ask(pair.question, asker)
            follow = c.service.ask(pair.question, asker, first.audit_seq)
            rows.append({"id": pair.id, "kind": pair.kind, "alone": _score(pair, alone),
                         "follow_up": _score(pair, follow), "rewritten": bool(follow.understood)})  # fmt: skip
    finally:
        c.close()
    return {"llm": llm, "pairs": rows, "summary": _summary(rows)}


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in sorted({r["kind"] for r in rows}):
        group = [r for r in rows if r["kind"] == kind]
        out[kind] = {
            "pairs": len(group),
            "rewritten": sum(r["rewritten"] for r in group),
            **{f"{how}_{m}": sum(r[how][m] for r in group) for how in ("alone", "follow_up")
               for m in ("retrieved", "cited", "keywords")},
        }  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m eval.followups", description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--llm", action="store_true", help="use the configured LLM endpoint to rewrite follow-ups")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    report = run(args.data_dir, args.llm)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return
    for kind, figures in report["summary"].items():
        print(f"{kind}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    for row in report["pairs"]:
        marks = " ".join(f"{how}:{''.join('✓' if row[how][m] else '·' for m in ('retrieved', 'cited', 'keywords'))}"
                         for how in ("alone", "follow_up"))  # fmt: skip
        print(f"{row['id']} {row['kind']:<10} rewritten={row['rewritten']!s:<5} {marks}")


if __name__ == "__main__":
    main()
