"""No new import cycle between the top-level packages of ``tradewindow``.

Every ``import``/``from … import`` of a ``tradewindow.<package>`` module, at any depth of any
module (inside functions and ``TYPE_CHECKING`` blocks too), is an arrow from the importing
module's package to that package. That graph must have no strongly connected group of more
than one package (the last one, ``agencies`` ↔ ``procurement``, was broken in issue 9: ADR 0008).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import tradewindow

ROOT = Path(tradewindow.__file__).parent


def arrows() -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        package = parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name.startswith("tradewindow.") and (target := name.split(".")[1]) != package:
                    found[package].add(target)
    return found


def cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """Tarjan's strongly connected components of more than one package."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: set[frozenset[str]] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.add(frozenset(group))

    for node in list(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_packages_have_no_cycle() -> None:
    assert cycles(arrows()) == set()


def test_the_cycle_finder_finds_a_cycle_of_three() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == {frozenset("abc")}
