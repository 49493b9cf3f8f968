"""The evaluation report's charts, drawn with matplotlib's Agg canvas on a free-standing Figure (no pyplot, so no global
state changes) and returned as PNG bytes. A chart whose data is absent returns None: the report leaves it out rather
than show an empty frame. Missing or null values are drawn as gaps (NaN), never as zeros."""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DPI = 90
OUTCOME_COLOURS = {"correct": "tab:green", "refused": "tab:orange", "wrong": "tab:red"}


def new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def save_png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _num(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else math.nan


def _grouped_bars(ax: Any, groups: Sequence[str], series: Mapping[str, Sequence[float]], ylabel: str) -> None:
    """Bars per group (x axis), one colour per series."""
    width = 0.8 / max(1, len(series))
    for i, (name, values) in enumerate(series.items()):
        ax.bar([x + (i - (len(series) - 1) / 2) * width for x in range(len(groups))], values, width, label=name)
    ax.set_xticks(range(len(groups)), list(groups))
    ax.set_ylabel(ylabel)
    ax.legend(fontsize="small")


def retrieval_by_mode(modes: Mapping[str, Mapping[str, Any]]) -> bytes | None:
    series = {key: [_num(m.get(key)) for m in modes.values()] for key in ("hit@5", "mrr")}
    if all(math.isnan(v) for values in series.values() for v in values):
        return None
    fig = new_figure(6.0, 3.5)
    ax = fig.add_subplot()
    _grouped_bars(ax, list(modes), series, "score")
    ax.set_ylim(0, 1.05)
    ax.set_title("hit@5 and MRR per search mode")
    return save_png(fig)


def retrieval_by_language(modes: Mapping[str, Mapping[str, Any]]) -> bytes | None:
    languages = sorted({lang for m in modes.values() for lang in m.get("by_language") or {}})
    if not languages:
        return None
    fig = new_figure(9.0, 3.5)
    for i, key in enumerate(("hit@5", "mrr")):
        ax = fig.add_subplot(1, 2, i + 1)
        series = {
            mode: [_num(((m.get("by_language") or {}).get(lang) or {}).get(key)) for lang in languages]
            for mode, m in modes.items()
        }
        _grouped_bars(ax, languages, series, key)
        ax.set_ylim(0, 1.05)
        ax.set_title(f"{key} per language")
    return save_png(fig)


def recall_curves(modes: Mapping[str, Mapping[str, Any]]) -> bytes | None:
    curves = {mode: m["recall_curve"] for mode, m in modes.items() if m.get("recall_curve")}
    if not curves:
        return None
    fig = new_figure(6.0, 3.5)
    ax = fig.add_subplot()
    for mode, curve in curves.items():
        ax.plot(range(1, len(curve) + 1), [_num(v) for v in curve], marker="o", label=mode)
    ax.set_xticks(range(1, max(len(c) for c in curves.values()) + 1))
    ax.set_xlabel("k")
    ax.set_ylabel("hit@k (recall at k)")
    ax.set_ylim(0, 1.05)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    ax.set_title("Recall at k per search mode")
    return save_png(fig)


def outcomes_stacked(answers: Mapping[str, Any]) -> bytes | None:
    """Correct / refused / wrong answers (answerable questions) stacked, per language and per use case."""
    panels = [
        (title, answers[key])
        for key, title in (("by_language", "language"), ("by_use_case", "use case"))
        if answers.get(key)
    ]
    if not panels:
        return None
    fig = new_figure(4.5 * len(panels), 3.5)
    for i, (title, groups) in enumerate(panels):
        ax = fig.add_subplot(1, len(panels), i + 1)
        names = sorted(groups)
        bottom = [0.0] * len(names)
        for outcome, colour in OUTCOME_COLOURS.items():
            values = [_num((groups[n] or {}).get(outcome, 0)) for n in names]
            ax.bar(names, values, bottom=bottom, color=colour, label=outcome)
            bottom = [b + (0.0 if math.isnan(v) else v) for b, v in zip(bottom, values, strict=True)]
        ax.set_ylabel("answerable questions")
        ax.set_title(f"Outcomes per {title}")
        ax.legend(fontsize="small")
    return save_png(fig)


def refusal_confusion(confusion: Mapping[str, Mapping[str, Any]]) -> bytes | None:
    """The 2x2 heat map: rows answerable / unanswerable, columns answered / refused, each cell with its count."""
    if not confusion:
        return None
    rows, cols = ("answerable", "unanswerable"), ("answered", "refused")
    grid = [[_num((confusion.get(r) or {}).get(c)) for c in cols] for r in rows]
    fig = new_figure(4.5, 3.5)
    ax = fig.add_subplot()
    ax.imshow(grid, cmap="Blues")
    top = max((v for row in grid for v in row if not math.isnan(v)), default=0.0)
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            text = "—" if math.isnan(value) else str(round(value))
            ax.text(j, i, text, ha="center", va="center", color="white" if value > top / 2 else "black")
    ax.set_xticks(range(2), cols)
    ax.set_yticks(range(2), rows)
    ax.set_xlabel("the assistant")
    ax.set_ylabel("the question")
    ax.set_title("Refusals: expected against actual")
    return save_png(fig)


def latency_histograms(latency: Mapping[str, Any]) -> bytes | None:
    panels = [
        (title, [v for v in latency.get(key) or [] if isinstance(v, int | float)])
        for key, title in (("first_sentence_ms", "first sentence"), ("answer_ms", "whole answer"))
    ]
    panels = [(title, values) for title, values in panels if values]
    if not panels:
        return None
    fig = new_figure(4.5 * len(panels), 3.2)
    for i, (title, values) in enumerate(panels):
        ax = fig.add_subplot(1, len(panels), i + 1)
        ax.hist(values, bins=min(20, max(5, len(values) // 3)), color="tab:blue")
        ax.set_xlabel("ms")
        ax.set_ylabel("questions")
        ax.set_title(f"Latency to the {title} ({len(values)})")
    return save_png(fig)


def pii_entities(pii: Mapping[str, Any]) -> bytes | None:
    recall = pii.get("recall_by_entity") or {}
    if not recall:
        return None
    entities = sorted(recall)
    precision = pii.get("precision_by_entity") or {}
    series = {"recall": [_num(recall[e]) for e in entities]}
    if precision:
        series["precision"] = [_num(precision.get(e)) for e in entities]
    fig = new_figure(max(5.0, 0.9 * len(entities) + 2), 3.5)
    ax = fig.add_subplot()
    _grouped_bars(ax, entities, series, "score")
    ax.set_ylim(0, 1.05)
    ax.tick_params(axis="x", labelrotation=30)
    ax.set_title("Personal data detection per entity")
    return save_png(fig)
