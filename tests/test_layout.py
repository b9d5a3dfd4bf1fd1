"""The shape of the house: dependencies inside kbtools point one way, and no import cycles.

Every import counts, wherever it is written (module level, inside a function, or under
``TYPE_CHECKING``): an import moved into a function to dodge a cycle is still a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import kbtools

PACKAGE = Path(kbtools.__file__).parent


def _modules() -> dict[str, Path]:
    found = {}
    for file in PACKAGE.rglob("*.py"):
        parts = list(file.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = file
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the kbtools modules it imports (a name imported from a package counts as
    the submodule when it is one)."""
    modules = _modules()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, file in modules.items():
        base = name if file.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                source = node.module or ""
                if node.level:
                    package = base
                    for _ in range(node.level - 1):
                        package = package.rpartition(".")[0]
                    source = f"{package}.{node.module}" if node.module else package
                targets = [source] if not (node.level and not node.module) else []
                targets += [f"{source}.{alias.name}" for alias in node.names]
            for target in targets:
                if target.split(".")[0] == "kbtools":
                    found = resolve(target)
                    if found and found != name:
                        graph[name].add(found)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_kbtools_has_no_import_cycle():
    assert cycles(import_graph()) == []


# Layers, lowest first: a module may import its own layer and those below, never above.
LAYERS = [
    {"kbtools", "kbtools.errors", "kbtools.diagnostics", "kbtools.clock", "kbtools.atomic",
     "kbtools.git"},
    {"kbtools.content"},
    {"kbtools.review", "kbtools.translations", "kbtools.scripts", "kbtools.playbooks",
     "kbtools.onboarding", "kbtools.search", "kbtools.sites", "kbtools.feedback"},
    {"kbtools.registry"},
    {"kbtools.cli", "kbtools.server", "kbtools.preview"},
]


def _layer(module: str) -> int:
    for depth in (2, 1):
        prefix = ".".join(module.split(".")[:depth])
        for number, members in enumerate(LAYERS):
            if prefix in members:
                return number
    raise AssertionError(f"{module} belongs to no layer; add its package to LAYERS")


def test_dependencies_point_down():
    upward = sorted(f"{module} -> {target}"
                    for module, targets in import_graph().items()
                    for target in targets if _layer(target) > _layer(module))
    # The MkDocs adapter is a front-end living beside the site code it adapts.
    assert [edge for edge in upward if not edge.startswith("kbtools.sites.plugin ")] == []


def test_only_the_search_package_imports_whoosh_and_only_cli_imports_click():
    for file in PACKAGE.rglob("*.py"):
        module = file.relative_to(PACKAGE.parent).as_posix()
        tree = ast.parse(file.read_text(encoding="utf-8"))
        names = {alias.name.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.Import) for alias in node.names}
        names |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
                  if isinstance(node, ast.ImportFrom) and not node.level}
        if "whoosh" in names:
            assert module.startswith("kbtools/search/"), module
        if "click" in names:
            assert module.startswith("kbtools/cli/"), module
