"""``assistant eval gate RESULTS``: each gated metric of a run against its threshold (settings ``gate``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.gate_settings import GateSettings
from eval.compare import value_at


@dataclass(frozen=True)
class Check:
    metric: str
    value: float | None  # None: not in the results (its suite was not run)
    bound: float
    kind: str  # "min" or "max"

    @property
    def passed(self) -> bool | None:
        if self.value is None:
            return None
        return self.value >= self.bound if self.kind == "min" else self.value <= self.bound

    def as_json(self) -> dict[str, Any]:
        return {"metric": self.metric, "value": self.value, "threshold": self.bound, "kind": self.kind,
                "passed": self.passed}  # fmt: skip


def lookup(results: dict[str, Any], path: str) -> float | None:
    """The number at dotted ``path`` under ``results['suites']`` (None when absent or not a number)."""
    try:
        node = value_at({"suites": results.get("suites", {})}, path)
    except (KeyError, IndexError, ValueError, TypeError):
        return None
    return float(node) if isinstance(node, int | float) and not isinstance(node, bool) else None


def gate(results: dict[str, Any], settings: GateSettings) -> list[Check]:
    checks = [Check(path, lookup(results, path), bound, "min") for path, bound in settings.minimums.items()]
    checks += [Check(path, lookup(results, path), bound, "max") for path, bound in settings.maximums.items()]
    return checks


def verdict(checks: list[Check]) -> dict[str, Any]:
    """What goes into ``results.json['gate']``: passed unless a measured metric is beyond its threshold."""
    failures = [c.as_json() for c in checks if c.passed is False]
    missing = [c.metric for c in checks if c.passed is None]
    return {"passed": not failures, "failures": failures, "not_measured": missing}
