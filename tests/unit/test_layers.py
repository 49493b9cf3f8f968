"""The layers of the code base, enforced: each module imports only its own layer and the layers below it, and no two
modules import each other, directly or through others. Every import counts: at the top of a module, inside a
function (deferred) or under ``TYPE_CHECKING``.

Top to bottom (README, "Layout"):

front doors (CLI, server, UI) > eval > application > ingestion > audit > privacy > core

The core (:mod:`assistant.core`) holds the domain types, errors, text helpers, shared ports, the pseudonym token format,
rank fusion and tracing, and imports nothing else of the project.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("assistant", "ingestion", "privacy", "audit", "eval")
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (  # top to bottom
    ("front doors", ("assistant.cli", "assistant.server", "assistant.ui")),
    ("eval", ("eval",)),
    ("application", ("assistant",)),
    ("ingestion", ("ingestion",)),
    ("audit", ("audit",)),
    ("privacy", ("privacy",)),
    ("core", ("assistant.core",)),
)

CORE = len(LAYERS) - 1


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path, packages: tuple[str, ...] = PACKAGES) -> dict[str, Path]:
    return {module_name(p, root): p for package in packages for p in sorted((root / package).rglob("*.py"))}


def layer_of(module: str) -> int:
    """Index in :data:`LAYERS` (0 = top) of the longest prefix that contains ``module``."""
    best, best_len = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = index, len(prefix)
    if best < 0:
        raise AssertionError(f"{module} is in no layer: add its package to LAYERS")
    return best


def _resolve(known: dict[str, Path], name: str) -> str | None:
    """The project module ``name`` refers to (a name inside a module refers to that module)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def imports(known: dict[str, Path]) -> Iterator[Import]:
    """Every import of a project module by a project module, wherever it stands in the file."""
    tops = {m.split(".")[0] for m in known}
    for source, path in known.items():
        package = source if path.name == "__init__.py" else source.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*anchor, *([node.module] if node.module else [])])
                names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute | ast.Name)
                and getattr(node.func, "attr", getattr(node.func, "id", "")) in {"import_module", "__import__"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                names = [node.args[0].value]
            for name in names:
                target = _resolve(known, name) if name.split(".")[0] in tops else None
                if target and target != source:
                    yield Import(source, target, getattr(node, "lineno", 0))


def violations(known: dict[str, Path]) -> list[str]:
    found = []
    for imp in imports(known):
        source, target = layer_of(imp.source), layer_of(imp.target)
        if target < source:
            found.append(
                f"{imp.source} (line {imp.line}, layer '{LAYERS[source][0]}') imports {imp.target}, "
                f"which is in the higher layer '{LAYERS[target][0]}'"
            )
    return found


def cycles(known: dict[str, Path]) -> list[list[str]]:
    """The import cycles between modules: each strongly connected component of more than one module (Tarjan)."""
    graph: dict[str, set[str]] = {m: set() for m in known}
    for imp in imports(known):
        graph[imp.source].add(imp.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_import_goes_down_the_layers() -> None:
    assert violations(modules(ROOT)) == []


def test_no_import_cycle_between_modules() -> None:
    assert cycles(modules(ROOT)) == []


def test_the_core_imports_nothing_else_of_the_project() -> None:
    known = modules(ROOT)
    outside = [i for i in imports(known) if i.source.startswith("assistant.core") and layer_of(i.target) != CORE]
    assert outside == []


def write_tree(root: Path, files: dict[str, str]) -> dict[str, Path]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return modules(root)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(  # the core reaching up into the application, deferred inside a function
            {
                "assistant/__init__.py": "",
                "assistant/core/__init__.py": "",
                "assistant/core/text.py": "def f():\n    from assistant.service import x\n",
                "assistant/service.py": "x = 1\n",
            },
            ["assistant.core.text (line 2, layer 'core') imports assistant.service"],
            id="deferred-core-to-application",
        ),
        pytest.param(  # privacy using ingestion, under TYPE_CHECKING
            {
                "privacy/__init__.py": "",
                "privacy/rights.py": (
                    "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import ingestion.registry\n"
                ),
                "ingestion/__init__.py": "",
                "ingestion/registry.py": "",
            },
            ["privacy.rights (line 3, layer 'privacy') imports ingestion.registry"],
            id="type-checking-privacy-to-ingestion",
        ),
        pytest.param(  # the application importing a front door through a relative import
            {
                "assistant/__init__.py": "",
                "assistant/service.py": "from .cli import main\n",
                "assistant/cli/__init__.py": "main = 1\n",
            },
            ["assistant.service (line 1, layer 'application') imports assistant.cli"],
            id="relative-application-to-cli",
        ),
        pytest.param(  # going down is allowed
            {
                "assistant/__init__.py": "",
                "assistant/cli/__init__.py": "import eval.report\nfrom assistant.core import errors\n",
                "assistant/core/__init__.py": "",
                "assistant/core/errors.py": "",
                "eval/__init__.py": "",
                "eval/report.py": "from audit import log\n",
                "audit/__init__.py": "",
                "audit/log.py": "from privacy.keys import Secret\n",
                "privacy/__init__.py": "",
                "privacy/keys.py": "Secret = 1\n",
            },
            [],
            id="downwards",
        ),
    ],
)
def test_the_layer_check_finds_upward_imports(tmp_path: Path, files: dict[str, str], expected: list[str]) -> None:
    found = violations(write_tree(tmp_path, files))
    assert [f.split(", which")[0] for f in found] == expected


def test_the_cycle_check_finds_a_cycle_through_a_deferred_import(tmp_path: Path) -> None:
    known = write_tree(
        tmp_path,
        {
            "assistant/__init__.py": "",
            "assistant/settings.py": "from assistant.llm.settings import LocalLlmSettings\n",
            "assistant/llm/__init__.py": "",
            "assistant/llm/settings.py": "def cache():\n    from assistant.settings import default_cache_dir\n",
        },
    )
    assert cycles(known) == [["assistant.llm.settings", "assistant.settings"]]


def test_every_product_module_is_under_300_lines() -> None:
    long = {name: n for name, path in modules(ROOT).items() if (n := len(path.read_text().splitlines())) > 300}
    assert long == {}, "split these modules, or move their data into data files"
