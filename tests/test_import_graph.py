"""The import graph of ``rapidata_nb``, read from the source with ``ast`` (nothing is imported).

Three kinds of edge, each treated as what it is:

- a module-level import runs when the module is imported;
- a function-level import runs when the function first does. It is still a dependency: it counts for the
  layering and for cycles, because a function-level import that only dodges a cycle leaves the cycle in place;
- an import under ``if TYPE_CHECKING:`` never runs. It counts for the layering (the annotation needs that
  layer) but not for cycles.

Importing ``a.b.c`` also runs the packages ``a`` and ``a.b``, so those are edges too, unless they are packages
of the importing module itself (those are always imported first).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "rapidata_nb"

# The client starts the embedded server through this one entry point (DESIGN §2), and only when asked to.
EMBEDDED_ENTRY = ("rapidata_nb.client.client", "rapidata_nb.server.embedded")


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str  # "module", "function" or "typing"
    line: int

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} ({self.kind}, line {self.line})"


def _modules() -> dict[str, tuple[Path, bool]]:
    """Every module of the package: dotted name → (file, is a package)."""
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


MODULES = _modules()
TREES = {name: ast.parse(path.read_text(), filename=str(path)) for name, (path, _) in MODULES.items()}


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The modules of ours an import statement names (a name imported from a package may be a module)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        if node.level:
            base = module.split(".")
            if not MODULES[module][1]:
                base = base[:-1]
            base = base[: len(base) - node.level + 1]
            prefix = ".".join([*base, node.module] if node.module else base)
        else:
            prefix = node.module or ""
        names = [f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in MODULES else prefix for a in node.names]
    return [name for name in names if name == "rapidata_nb" or name.startswith("rapidata_nb.")]


def _is_type_checking(test: ast.expr) -> bool:
    return "TYPE_CHECKING" in ast.unparse(test)


def _imports(module: str) -> Iterator[tuple[ast.Import | ast.ImportFrom, str]]:
    """Each import statement of ours in ``module`` with its kind."""

    def walk(node: ast.AST, kind: str) -> Iterator[tuple[ast.Import | ast.ImportFrom, str]]:
        for child in ast.iter_child_nodes(node):
            child_kind = kind
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and kind == "module":
                child_kind = "function"
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                child_kind = "typing"
            if isinstance(child, ast.Import | ast.ImportFrom) and _targets(module, child):
                yield child, child_kind
            yield from walk(child, child_kind)

    yield from walk(TREES[module], "module")


def _edges() -> list[Edge]:
    edges = []
    for module in MODULES:
        ancestors = {".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 1)}
        for node, kind in _imports(module):
            for target in _targets(module, node):
                while target not in MODULES:  # ``from pkg import name`` of a name defined in pkg
                    target = target.rsplit(".", 1)[0]
                parts = target.split(".")
                for i in range(1, len(parts) + 1):
                    reached = ".".join(parts[:i])
                    if reached != module and reached not in ancestors:
                        edges.append(Edge(module, reached, kind, node.lineno))
    return edges


EDGES = _edges()


def _cycles(edges: list[Edge]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    graph: dict[str, set[str]] = {m: set() for e in edges for m in (e.source, e.target)}
    for edge in edges:
        graph[edge.source].add(edge.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def test_the_graph_sees_the_package() -> None:
    """The reader finds the edges we know are there (a parser that found none would pass everything)."""
    assert len(MODULES) > 100
    assert _cycles([Edge("a", "b", "module", 1), Edge("b", "a", "function", 1)]) == [["a", "b"]]
    found = {(e.source, e.target, e.kind) for e in EDGES}
    assert ("rapidata_nb.client.job", "rapidata_nb.client.definition", "module") in found
    assert (*EMBEDDED_ENTRY, "function") in found
    assert ("rapidata_nb.client.exceptions", "rapidata_nb.client.upload", "typing") in found
    assert ("rapidata_nb.widgets._register", "rapidata_nb.client", "module") in found  # the package runs too


def test_no_import_cycle() -> None:
    """No cycle anywhere in the package, through module-level and function-level imports alike."""
    running = [e for e in EDGES if e.kind != "typing"]
    cycles = _cycles(running)
    detail = [
        [str(e) for e in running if e.source in cycle and e.target in cycle and e.source != e.target]
        for cycle in cycles
    ]
    assert cycles == [], detail


@pytest.mark.parametrize("layer", ["rapidata_nb.engine", "rapidata_nb.api", "rapidata_nb.charts"])
def test_the_bottom_layers_import_nothing_of_ours_above_them(layer: str) -> None:
    outside = [str(e) for e in EDGES if _in(e.source, layer) and not _in(e.target, layer)]
    assert outside == []


def test_the_client_reaches_the_server_only_through_the_embedded_entry_point() -> None:
    """DESIGN §2: and only when it is called (a function-level import), so a cloud client never loads it."""
    reached = {
        (e.source, e.target, e.kind)
        for e in EDGES
        if _in(e.source, "rapidata_nb.client") and _in(e.target, "rapidata_nb.server")
    }
    source, entry = EMBEDDED_ENTRY
    assert reached == {(source, entry, "function"), (source, "rapidata_nb.server", "function")}


@pytest.mark.parametrize(
    ("layer", "above"),
    [
        ("rapidata_nb.server", "rapidata_nb.client"),
        ("rapidata_nb.server", "rapidata_nb.frames"),
        ("rapidata_nb.server", "rapidata_nb.widgets"),
        ("rapidata_nb.client", "rapidata_nb.frames"),
        ("rapidata_nb.client", "rapidata_nb.widgets"),
        ("rapidata_nb.client", "rapidata_nb.mcp"),
    ],
)
def test_no_layer_imports_one_above_it(layer: str, above: str) -> None:
    upward = [str(e) for e in EDGES if _in(e.source, layer) and _in(e.target, above)]
    assert upward == []


_DYNAMIC = {"import_module", "find_spec", "__import__", "find_loader", "spec_from_file_location"}


def test_nothing_of_ours_is_loaded_dynamically() -> None:
    """No importlib/find_spec loading: an editor and this test see every dependency."""
    calls = [
        f"{module}:{node.lineno} {ast.unparse(node.func)}"
        for module, tree in TREES.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (getattr(node.func, "attr", None) in _DYNAMIC or getattr(node.func, "id", None) in _DYNAMIC)
    ]
    assert calls == []


def _import_time_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """The statements that run when a module is imported (function bodies left out)."""
    for child in ast.iter_child_nodes(tree):
        if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield child
            yield from _import_time_nodes(child)


def test_nothing_of_ours_is_imported_conditionally() -> None:
    """What a module imports does not depend on a condition, and no failed import of ours is swallowed.

    An ``if`` (other than ``TYPE_CHECKING``) must not decide what a module imports when it is imported; a
    function may still import when it first needs something (it always gets the same module). An
    ``except ImportError`` around an import of ours, at any level, must raise (as ``rapidata-nb mcp`` does
    when the optional ``mcp`` extra is missing), so a typo or a missing module cannot silently drop a feature.
    """
    found = []
    for module, tree in TREES.items():
        for node in _import_time_nodes(tree):
            if isinstance(node, ast.If) and not _is_type_checking(node.test):
                guarded = [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
                found += [f"{module}:{n.lineno} under if" for n in guarded if _targets(module, n)]
        for node in ast.walk(tree):
            if isinstance(node, ast.Try):
                ours = [
                    n for b in node.body for n in ast.walk(b) if isinstance(n, ast.Import | ast.ImportFrom)
                ]
                if any(_targets(module, n) for n in ours):
                    found += [
                        f"{module}:{handler.lineno} swallows a failed import"
                        for handler in node.handlers
                        if not isinstance(handler.body[-1], ast.Raise)
                    ]
    assert found == [], found
