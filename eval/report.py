"""The evaluation report: one self-contained HTML page from a run's ``results.json`` (charts are PNGs embedded as
``data:`` URIs; the page loads nothing, and its Content-Security-Policy forbids it to). Every number taken from the
results carries ``data-metric="<dotted path>"`` (``retrieval.modes.hybrid.hit@5``; top-level ones such as
``dataset.questions`` too) and reads exactly ``format_value(path, value)``, so a test can check the page against the
file. A previous run (``<out>/previous/results.json``) adds the trend: ▲/▼/= and the delta of each shared metric."""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from eval import report_plots as plots
from eval.compare import arrow, compare, format_delta, format_value, unchanged, value_at, verdict

__all__ = ["format_value", "render_report", "value_at", "write_report"]

REPORT_NAME = "report.html"
PREVIOUS = Path("previous") / "results.json"
STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 0.8em 0; } th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; }
th { background: #f3f3f3; text-align: left; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
img { display: block; margin: 0.8em 0; max-width: 100%; } h2 { border-bottom: 2px solid #ddd; margin-top: 1.6em; }
.better { color: #1a7f37; } .worse { color: #c62828; } .neutral { color: #666; } .failed { color: #c62828; }
"""
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def _e(text: Any) -> str:
    return html.escape("—" if text is None else str(text), quote=True)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _cell(path: str, value: Any, tag: str = "td") -> str:
    """A number from the results, tagged with its path and printed by :func:`format_value`."""
    return f'<{tag} class="num" data-metric="{_e(path)}">{_e(format_value(path, value))}</{tag}>'


def _maybe(prefix: str, values: Mapping[str, Any], key: str) -> str:
    """The cell of ``values[key]`` (null prints "—"), or an empty cell when the results do not have it."""
    return _cell(f"{prefix}.{key}", values[key]) if key in values else "<td></td>"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """``head`` is plain text (escaped here); each row's first cell is plain text, the others are HTML cells."""
    header = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join(f"<tr><th>{_e(row[0])}</th>{''.join(row[1:])}</tr>" for row in rows)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def _numeric_keys(*dicts: Mapping[str, Any]) -> list[str]:
    """The keys whose values are numbers or null (not lists or sub-tables), in first-seen order."""
    keys: dict[str, None] = {}
    for d in dicts:
        keys.update((k, None) for k, v in d.items() if v is None or _is_number(v))
    return list(keys)


def _grid(row_title: str, rows: Sequence[tuple[str, str, Mapping[str, Any]]]) -> str:
    """One row per (label, path prefix, values); one column per numeric key found in any row."""
    columns = _numeric_keys(*(values for _, _, values in rows))
    if not columns:
        return ""
    return _table([row_title, *columns], [[label, *(_maybe(p, v, c) for c in columns)] for label, p, v in rows])


def _pairs(prefix: str, values: Mapping[str, Any]) -> str:
    """A two-column table of the numeric entries of ``values`` (nothing when it has none)."""
    rows = [[key, _cell(f"{prefix}.{key}", values[key])] for key in _numeric_keys(values)]
    return _table(["metric", "value"], rows) if rows else ""


def _img(name: str, png: bytes | None, alt: str) -> str:
    if png is None:
        return ""
    data = base64.b64encode(png).decode("ascii")
    return f'<img data-plot="{_e(name)}" alt="{_e(alt)}" src="data:image/png;base64,{data}">'


def _count(label: str, path: str, value: Any) -> str:
    return f'<p>{_e(label)}: <span class="num" data-metric="{_e(path)}">{_e(format_value(path, value))}</span></p>'


def _header(results: Mapping[str, Any]) -> str:
    dataset = results.get("dataset") or {}
    config = results.get("configuration") or {}
    settings = [
        [key, _cell(f"configuration.{key}", value) if _is_number(value) else f"<td>{_e(value)}</td>"]
        for key, value in config.items()
    ]
    digest = str(dataset.get("sha256") or "")[:12]
    questions = dataset.get("questions")
    count = _count("Questions", "dataset.questions", questions) if _is_number(questions) else ""
    return (
        f"<h1>Evaluation report — {_e(results.get('label'))}</h1>"
        f"<p>Created {_e(results.get('created'))}; schema {_e(results.get('schema'))}.</p>"
        f"<p>Dataset <code>{_e(dataset.get('path'))}</code> (sha256 {_e(digest)}…)</p>{count}"
        + (_table(["configuration", "value"], settings) if settings else "")
        + _gate(results)
    )


def _gate(results: Mapping[str, Any]) -> str:
    gate = results.get("gate")
    if not gate:
        return ""
    failures = gate.get("failures") or []
    rows = [
        [f.get("metric", ""), *(_maybe(f"gate.failures.{i}", f, key) for key in ("value", "threshold"))]
        for i, f in enumerate(failures)
    ]
    status = "passed" if gate.get("passed") else '<span class="failed">failed</span>'
    missing = gate.get("not_measured") or []
    return (
        f"<p>Quality gate: {status}.</p>"
        + (_table(["failed metric", "value", "threshold"], rows) if rows else "")
        + (f"<p>Not measured (suite not run): {_e(', '.join(map(str, missing)))}</p>" if missing else "")
    )


def _retrieval(suite: Mapping[str, Any]) -> str:
    modes: Mapping[str, Mapping[str, Any]] = suite.get("modes") or {}
    by_language = [
        (f"{mode} / {lang}", f"retrieval.modes.{mode}.by_language.{lang}", values)
        for mode, m in modes.items()
        for lang, values in sorted((m.get("by_language") or {}).items())
    ]
    return (
        "<section id='retrieval'><h2>Retrieval</h2>"
        + _count("Questions", "retrieval.questions", suite.get("questions"))
        + _grid("mode", [(mode, f"retrieval.modes.{mode}", m) for mode, m in modes.items()])
        + (_grid("mode / language", by_language) if by_language else "")
        + _img("retrieval_by_mode", plots.retrieval_by_mode(modes), "hit@5 and MRR per search mode")
        + _img("retrieval_by_language", plots.retrieval_by_language(modes), "hit@5 and MRR per language and mode")
        + _img("recall_curve", plots.recall_curves(modes), "Recall at k (1 to 10), one line per search mode")
        + "</section>"
    )


def _answers(suite: Mapping[str, Any]) -> str:
    outcome_rows = [("all answerable", "answers.outcomes", suite.get("outcomes") or {})]
    for key, title in (("by_language", "language"), ("by_use_case", "use case")):
        groups = sorted((suite.get(key) or {}).items())
        outcome_rows += [(f"{title} {name}", f"answers.{key}.{name}", values) for name, values in groups]
    confusion = suite.get("refusal_confusion") or {}
    latency = suite.get("latency") or {}
    tokens = suite.get("tokens") or {}
    return (
        "<section id='answers'><h2>Answers</h2>"
        + _count("Questions", "answers.questions", suite.get("questions"))
        + ("<h3>Rates</h3>" + _pairs("answers.rates", suite["rates"]) if suite.get("rates") else "")
        + "<h3>Outcomes (answerable questions)</h3>"
        + _grid("group", [row for row in outcome_rows if row[2]])
        + _img(
            "outcomes", plots.outcomes_stacked(suite), "Correct, refused and wrong answers per language and use case"
        )
        + "<h3>Refusals</h3>"
        + _grid("expected \\ actual", [(k, f"answers.refusal_confusion.{k}", v) for k, v in confusion.items()])
        + _img("refusal_confusion", plots.refusal_confusion(confusion), "Refusal confusion matrix (2x2 heat map)")
        + "<h3>Latency (ms)</h3>"
        + _pairs("answers.latency", latency)
        + _img("latency", plots.latency_histograms(latency), "Histograms of latency to first sentence and whole answer")
        + "<h3>Tokens and cost per answer</h3>"
        + _pairs("answers.tokens", tokens)
        + (f"<p>Currency: {_e(tokens['currency'])}</p>" if tokens.get("currency") else "")
        + "</section>"
    )


def _pii(suite: Mapping[str, Any]) -> str:
    recall, precision = suite.get("recall_by_entity") or {}, suite.get("precision_by_entity") or {}
    entities = sorted(recall.keys() | precision.keys())
    rows = [
        [e, _maybe("pii.recall_by_entity", recall, e), _maybe("pii.precision_by_entity", precision, e)]
        for e in entities
    ]
    return (
        "<section id='pii'><h2>Personal data detection</h2>"
        + _pairs("pii", suite)
        + (_table(["entity", "recall", "precision"], rows) if rows else "")
        + _img("pii_entities", plots.pii_entities(suite), "Recall and precision per personal data entity")
        + "</section>"
    )


def _trend(results: Mapping[str, Any], previous: Mapping[str, Any]) -> str:
    """Each metric present in both runs: previous value, current value, delta and arrow; the arrow's colour says better
    or worse (a latency going up is worse), counts stay neutral."""
    diff = compare(previous, results)
    changed: list[list[str]] = []
    same: list[list[str]] = []
    for m in diff.metrics:
        if m.delta is None:
            continue
        prev = f'<td class="num" data-previous-metric="{_e(m.path)}">{_e(format_value(m.path, m.a))}</td>'
        delta = f'<td class="num" data-delta="{_e(m.path)}">{_e(format_delta(m.path, m.delta))}</td>'
        mark = f'<td class="{verdict(m.path, m.delta)}" data-arrow="{_e(m.path)}">{arrow(m.path, m.delta)}</td>'
        (same if unchanged(m.path, m.delta) else changed).append([m.path, prev, _cell(m.path, m.b), delta, mark])
    head = ["metric", "previous", "current", "delta", ""]
    questions = "".join(f"<li>{_e(c.id)}: {_e(c.a)} → {_e(c.b)}</li>" for c in diff.outcomes)
    return (
        "<section id='trend'><h2>Trend against the previous run</h2>"
        f"<p>Previous run: {_e(previous.get('label'))}, created {_e(previous.get('created'))}. "
        f"{len(changed)} metric(s) changed, {len(same)} unchanged.</p>"
        + (_table(head, changed) if changed else "")
        + (f"<details><summary>Unchanged metrics ({len(same)})</summary>{_table(head, same)}</details>" if same else "")
        + f"<p>{len(diff.outcomes)} question(s) whose answer outcome changed.</p>"
        + (f"<ul>{questions}</ul>" if questions else "")
        + "</section>"
    )


def render_report(results: Mapping[str, Any], previous: Mapping[str, Any] | None = None) -> str:
    """The whole page for ``results`` (any suite may be absent), with the trend against ``previous`` when given."""
    suites = results.get("suites") or {}
    sections = [
        render(suites[name])
        for name, render in (("retrieval", _retrieval), ("answers", _answers), ("pii", _pii))
        if suites.get(name)
    ]
    body = _header(results) + "".join(sections) + (_trend(results, previous) if previous is not None else "")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>Evaluation report — {_e(results.get('label'))}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def write_report(results: Mapping[str, Any], out_dir: Path) -> Path:
    """Write ``out_dir/report.html``, with the trend against ``out_dir/previous/results.json`` when that file exists
    (the caller moves the old results there before writing the new ones)."""
    previous_file = out_dir / PREVIOUS
    previous = json.loads(previous_file.read_text(encoding="utf-8")) if previous_file.is_file() else None
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / REPORT_NAME
    path.write_text(render_report(results, previous), encoding="utf-8")
    return path
