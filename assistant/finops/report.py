"""Cost and volume per use case, per store and per day, computed from the audit trail's (non-personal) headers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GROUPS = ("use_case", "store", "day")


@dataclass
class Bucket:
    questions: int = 0
    refused: int = 0
    fallback: int = 0
    errors: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0

    def add(self, header: Mapping[str, Any]) -> None:
        tokens = header.get("tokens") or {}
        self.questions += 1
        self.refused += bool(header.get("refused"))
        self.fallback += bool(header.get("fallback"))
        self.errors += bool(header.get("error"))
        self.prompt_tokens += int(tokens.get("prompt", 0))
        self.completion_tokens += int(tokens.get("completion", 0))
        self.cost += float(header.get("cost_eur") or 0.0)

    def as_json(self) -> dict[str, Any]:
        return {**self.__dict__, "cost": round(self.cost, 4)}


@dataclass
class CostReport:
    currency: str
    daily_budget: float | None
    total: Bucket = field(default_factory=Bucket)
    by: dict[str, dict[str, Bucket]] = field(default_factory=lambda: {g: defaultdict(Bucket) for g in GROUPS})
    by_day_use_case: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))

    @property
    def over_budget(self) -> list[str]:
        """Days whose cost went above the daily budget."""
        if self.daily_budget is None:
            return []
        return sorted(day for day, b in self.by["day"].items() if b.cost > self.daily_budget)

    def as_json(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "daily_budget": self.daily_budget,
            "over_budget_days": self.over_budget,
            "total": self.total.as_json(),
            **{f"by_{g}": {k: b.as_json() for k, b in sorted(self.by[g].items())} for g in GROUPS},
        }


def build_report(headers: Iterable[Mapping[str, Any]], currency: str, daily_budget: float | None) -> CostReport:
    """Aggregate ``ask`` records (other operations are audit-trail events and cost nothing)."""
    report = CostReport(currency, daily_budget)
    for h in headers:
        if h.get("operation") != "ask":
            continue
        day = str(h.get("ts", ""))[:10] or "unknown"
        use_case = str(h.get("use_case") or "unknown")
        report.total.add(h)
        for group, key in (("use_case", use_case), ("store", str(h.get("store") or "hq/none")), ("day", day)):
            report.by[group][key].add(h)
        per = report.by_day_use_case[day]
        per[use_case] = per.get(use_case, 0.0) + float(h.get("cost_eur") or 0.0)
    return report


def plot(report: CostReport, path: Path) -> Path:
    """Daily cost stacked by use case, with the budget line; written as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    days = sorted(report.by_day_use_case)
    use_cases = sorted({u for per in report.by_day_use_case.values() for u in per})
    fig, ax = plt.subplots(figsize=(max(6.0, 0.5 * len(days) + 3), 4.0))
    bottom = [0.0] * len(days)
    for use_case in use_cases:
        values = [report.by_day_use_case[d].get(use_case, 0.0) for d in days]
        ax.bar(days, values, bottom=bottom, label=use_case)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    if report.daily_budget is not None:
        ax.axhline(report.daily_budget, color="red", linestyle="--", label="daily budget")
    ax.set_ylabel(f"cost ({report.currency})")
    ax.set_title(
        f"Assistant cost per day — {report.total.questions} questions, {report.total.cost:.2f} {report.currency}"
    )
    ax.tick_params(axis="x", labelrotation=45)
    if use_cases or report.daily_budget is not None:
        ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
