"""The import graph of src/openness, read with ast: every `import` and `from ... import`, at
module level or inside a function (a deferred import still ties two modules together).

openness.licenses must have no cycle at all. Elsewhere, the cycles that exist today are pinned
in KNOWN_CYCLES, so none can be added (and a removed one must be struck from the list).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "openness"

#: cycles outside openness.licenses that exist today; the list may only shrink
KNOWN_CYCLES: set[frozenset[str]] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in (SRC / PACKAGE).rglob("*.py")}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"), str(path))
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - (node.level - 1)])
                base = f"{anchor}.{base}" if base else anchor
            # `from pkg import sub` imports the submodule; `from pkg import name` the package
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        for target in targets:
            # the deepest known module the name refers to
            while target and target not in known:
                target = target.rpartition(".")[0]
            # a module's own packages are imported before it anyway: not an edge of the graph
            if target and target != name and not name.startswith(target + "."):
                out.add(target)
    return out


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected groups of two or more modules (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[frozenset[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    out.append(frozenset(group))
    return out


def test_graph_sees_deferred_and_relative_imports() -> None:
    graph = import_graph()
    assert "openness.licenses.catalog" in graph["openness.licenses.match"]
    assert "openness.licenses" in graph["openness.pipeline"]  # imported inside assess()


def test_no_import_cycle_among_license_modules() -> None:
    found = [c for c in cycles(import_graph()) if any(m.startswith("openness.licenses") for m in c)]
    assert found == []


def test_no_new_import_cycles_elsewhere() -> None:
    assert set(cycles(import_graph())) == KNOWN_CYCLES


def test_security_analyzers_do_not_import_readers() -> None:
    """Readers may call a security policy; analyzers only consume evidence, so the packages never
    import each other both ways (the pickle policy used to, from security/ into readers/)."""
    graph = import_graph()
    back = {
        (name, target)
        for name, targets in graph.items()
        if name.startswith("openness.security")
        for target in targets
        if target.startswith("openness.readers")
    }
    assert back == set()


def test_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [frozenset({"a", "b", "c"})]


def test_no_private_cross_package_license_imports() -> None:
    """Nothing outside openness.licenses imports a private (`_name`) from it."""
    for name, path in _modules().items():
        if name.startswith("openness.licenses"):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and "licenses" in (node.module or ""):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{name} imports {private} from {node.module}"


#: what builds the report context; renderers read the context, never these
VIEW_BUILDERS = {
    "openness.formats.view",
    "openness.formats.verdict",
    "openness.formats.release_facts",
    "openness.formats.naming",
}
RENDERERS = (
    "openness.formats.terminal",
    "openness.formats.markdown",
    "openness.formats.html",
    "openness.formats.html_sections",
    "openness.formats.cyclonedx",
    "openness.formats.mof_yaml",
    "openness.observatory.web.pages",
)


def test_renderers_read_one_view_model() -> None:
    """One view model (issue 13): every human-readable report, the dashboard's model page and
    the exports' names read formats.context, none works out its own picture of an Assessment."""
    graph = import_graph()
    for renderer in RENDERERS:
        assert "openness.formats.context" in graph[renderer], renderer
        assert not graph[renderer] & VIEW_BUILDERS, (renderer, graph[renderer] & VIEW_BUILDERS)
    assert "openness.frameworks.report" not in graph
    assert "openness.observatory.web.view" not in graph
