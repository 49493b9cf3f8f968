"""Two evaluation runs side by side: the metrics of ``results.json`` (schema in ``assistant eval run``) flattened to
dotted paths, their deltas, the questions whose answer outcome changed and those whose hybrid rank crossed the top-5
boundary. :func:`metrics`, :func:`value_at`, :func:`direction` and :func:`format_value` are shared by the HTML report
and the gate, so every place prints and judges a metric the same way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

COUNT_KEYS = frozenset({"questions", "sentences", "correct", "refused", "wrong", "answered", "brands_flagged"})
LOWER_IS_BETTER = frozenset({"cost_per_answer", "brands_flagged"})  # brand names flagged as personal data
NEUTRAL_KEYS = COUNT_KEYS | {"prompt_mean", "completion_mean"}
RANK_MODE, RANK_BOUNDARY = "hybrid", 5


def metrics(results: Mapping[str, Any]) -> dict[str, float]:
    """Every numeric leaf under ``results["suites"]``, keyed by its dotted path (``retrieval.modes.hybrid.hit@5``,
    ``answers.rates.answered_correctly``, ``pii.recall_by_entity.PERSON``). Lists (recall curves, latency samples),
    ``per_question``, strings, booleans and nulls (a rate with no question) are left out."""
    flat: dict[str, float] = {}

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        for key, value in node.items():
            path = f"{prefix}{key}"
            if key == "per_question" or isinstance(value, bool):
                continue
            if isinstance(value, Mapping):
                walk(value, path + ".")
            elif isinstance(value, int | float):
                flat[path] = float(value)

    walk(results.get("suites") or {}, "")
    return flat


def value_at(results: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted ``path``: under ``suites`` when its first part names a suite (``pii.recall``), else from
    the top of the document (``dataset.questions``, ``configuration.top_k``, ``gate.failures.0.value``).
    KeyError (IndexError) when absent."""
    suites = results.get("suites") or {}
    parts = path.split(".")
    node: Any = suites if parts[0] in suites else results
    for part in parts:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def direction(path: str) -> int:
    """+1 when a higher value is better (rates, hit@k, MRR, precision), -1 when lower is better (latencies, cost),
    0 when neither (counts, token means)."""
    last = path.rsplit(".", 1)[-1]
    if last.endswith("_ms") or last in LOWER_IS_BETTER:
        return -1
    return 0 if last in NEUTRAL_KEYS or path.startswith(("configuration.", "dataset.")) else 1


def format_value(path: str, value: float | int | None) -> str:
    """The one text of a metric wherever it is printed: None as "—", milliseconds and token means with 1 decimal, counts
    as integers, the cost per answer with 6 decimals, rates and scores with 3 decimals."""
    if value is None:
        return "—"
    last = path.rsplit(".", 1)[-1]
    if last in COUNT_KEYS:
        return str(round(value))
    if path.startswith(("configuration.", "dataset.")):
        return f"{value:g}"
    if last.endswith("_ms") or last in {"prompt_mean", "completion_mean"}:
        return f"{value:.1f}"
    if last == "cost_per_answer":
        return f"{value:.6f}"
    return f"{value:.3f}"


def format_delta(path: str, delta: float) -> str:
    """A delta as ``+0.012`` / ``-3.5`` / ``+0`` with the precision of :func:`format_value`."""
    return ("-" if delta < 0 and not unchanged(path, delta) else "+") + format_value(path, abs(delta))


def unchanged(path: str, delta: float) -> bool:
    """True when the delta rounds to zero at the printed precision."""
    return format_value(path, abs(delta)) == format_value(path, 0.0)


def arrow(path: str, delta: float) -> str:
    return "=" if unchanged(path, delta) else ("▲" if delta > 0 else "▼")


def verdict(path: str, delta: float) -> str:
    """``better``, ``worse`` or ``neutral`` (unchanged, or a count): latencies going up are ``worse``."""
    sign = 0 if unchanged(path, delta) else (1 if delta > 0 else -1)
    return {1: "better", -1: "worse", 0: "neutral"}[sign * direction(path)]


@dataclass(frozen=True)
class MetricDelta:
    path: str
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else self.b - self.a


@dataclass(frozen=True)
class Change:
    """A question whose answer outcome (or hybrid rank) differs between run A and run B; a rank None = not found."""

    id: str
    a: str | int | None
    b: str | int | None


@dataclass
class Comparison:
    label_a: str
    label_b: str
    metrics: list[MetricDelta] = field(default_factory=list)
    outcomes: list[Change] = field(default_factory=list)
    ranks: list[Change] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "a": self.label_a,
            "b": self.label_b,
            "metrics": [{"metric": m.path, "a": m.a, "b": m.b, "delta": m.delta} for m in self.metrics],
            "outcome_changes": [{"id": c.id, "a": c.a, "b": c.b} for c in self.outcomes],
            f"{RANK_MODE}_rank_changes": [{"id": c.id, "a": c.a, "b": c.b} for c in self.ranks],
        }

    def table(self) -> str:
        """Plain text for a terminal: the metrics, then the changed questions."""
        rows = [("metric", self.label_a, self.label_b, "delta", "")]
        for m in self.metrics:
            d = m.delta
            shown = ("", "") if d is None else (format_delta(m.path, d), arrow(m.path, d))
            rows.append((m.path, format_value(m.path, m.a), format_value(m.path, m.b), *shown))
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = [
            "  ".join(
                [r[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(r[1:4], widths[1:], strict=True)), r[4]]
            ).rstrip()
            for r in rows
        ]
        for title, changes in (
            ("answer outcome", self.outcomes),
            (f"{RANK_MODE} rank (top-{RANK_BOUNDARY})", self.ranks),
        ):
            lines.append(f"\n{len(changes)} question(s) whose {title} changed" + (":" if changes else ""))
            lines += [f"  {c.id}: {_shown(c.a)} -> {_shown(c.b)}" for c in changes]
        return "\n".join(lines)

    def plot_png(self, path: Path) -> Path:
        """A bar chart of the deltas of the metrics present in both runs that changed: rates and scores on one axis,
        milliseconds on another (counts, tokens and cost are left to the table); green better, red worse."""
        from eval.report_plots import new_figure, save_png

        changed = [m for m in self.metrics if m.delta is not None and not unchanged(m.path, m.delta)]
        latencies = [m for m in changed if m.path.endswith("_ms")]
        scores = [m for m in changed if direction(m.path) == 1]
        groups = [(unit, chosen) for unit, chosen in (("rate / score", scores), ("ms", latencies)) if chosen]
        height = 1.5 + 0.28 * sum(len(ms) for _, ms in groups)
        fig = new_figure(8.0, max(2.5, height))
        if not groups:
            fig.text(0.5, 0.5, f"no metric changed between {self.label_a} and {self.label_b}", ha="center")
        colours = {"better": "tab:green", "worse": "tab:red", "neutral": "tab:gray"}
        for i, (unit, chosen) in enumerate(groups):
            ax = fig.add_subplot(len(groups), 1, i + 1)
            deltas = [m.delta or 0.0 for m in chosen]
            bar_colours = [colours[verdict(m.path, d)] for m, d in zip(chosen, deltas, strict=True)]
            ax.barh([m.path for m in chosen], deltas, color=bar_colours)
            ax.axvline(0, color="black", linewidth=0.8)
            ax.invert_yaxis()
            ax.set_xlabel(f"delta ({unit}), {self.label_b} - {self.label_a}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(save_png(fig))
        return path


def _shown(value: str | int | None) -> str:
    return "—" if value is None else str(value)


def _labels(a: Mapping[str, Any], b: Mapping[str, Any]) -> tuple[str, str]:
    """The runs' labels (git commits), "A" / "B" when unknown, the letters added when both runs share one."""
    la, lb = (str(r.get("label") or letter) for r, letter in ((a, "A"), (b, "B")))
    return (f"A ({la})", f"B ({lb})") if la == lb else (la, lb)


def _per_question(results: Mapping[str, Any], suite: str, key: str) -> dict[str, Any]:
    """Question id -> ``key`` of its per-question record (``ranks`` gives the hybrid rank)."""
    rows = (results.get("suites") or {}).get(suite, {}).get("per_question") or []
    return {str(q["id"]): (q.get(key) or {}).get(RANK_MODE) if key == "ranks" else q.get(key) for q in rows}


def compare(a: Mapping[str, Any], b: Mapping[str, Any]) -> Comparison:
    """Run ``a`` (before) against run ``b`` (after): every metric path present in either, the questions whose answer
    outcome changed, and those whose hybrid rank moved across the top-5 boundary (in it in one run, not in the other).
    Only questions present in both runs are compared (a question added to or dropped from the dataset has no change).
    """
    ma, mb = metrics(a), metrics(b)
    deltas = [MetricDelta(p, ma.get(p), mb.get(p)) for p in sorted(ma.keys() | mb.keys())]
    out_a, out_b = _per_question(a, "answers", "outcome"), _per_question(b, "answers", "outcome")
    outcomes = [Change(q, out_a[q], out_b[q]) for q in sorted(out_a.keys() & out_b.keys()) if out_a[q] != out_b[q]]
    rank_a, rank_b = _per_question(a, "retrieval", "ranks"), _per_question(b, "retrieval", "ranks")

    def top(rank: int | None) -> bool:
        return rank is not None and rank <= RANK_BOUNDARY

    crossed = [
        Change(q, rank_a[q], rank_b[q])
        for q in sorted(rank_a.keys() & rank_b.keys())
        if top(rank_a[q]) != top(rank_b[q])
    ]
    return Comparison(*_labels(a, b), deltas, outcomes, crossed)
