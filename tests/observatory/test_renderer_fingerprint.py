"""The stored renderings' fingerprint leaves out the dashboard server and the command line
(report_store.SERVING): sound only while the renderer never imports them (issue 20)."""

from __future__ import annotations

from openness.observatory import report_store
from tests.test_import_graph import SRC, _modules, import_graph

RENDERER = "openness.observatory.report_store"


def _reachable(start: str) -> set[str]:
    graph = import_graph()
    modules = _modules()
    # a module importing by computed name (importlib.import_module) may import any module of
    # its package: count them all as imported
    for name, path in modules.items():
        if "import_module(" in path.read_text("utf-8"):
            package = name if path.name == "__init__.py" else name.rpartition(".")[0]
            graph[name] |= {m for m in graph if m.startswith(package + ".")}
    seen, todo = {start}, [start]
    while todo:
        for target in graph[todo.pop()]:
            # importing a module runs its packages' __init__ first
            parts = target.split(".")
            for n in range(1, len(parts) + 1):
                found = ".".join(parts[:n])
                if found in graph and found not in seen:
                    seen.add(found)
                    todo.append(found)
    return seen


def test_the_renderer_imports_nothing_of_what_its_fingerprint_leaves_out() -> None:
    reached = _reachable(RENDERER)
    assert "openness.formats.html_sections" in reached  # the walk follows deferred imports
    left_out = {
        name
        for name in reached
        if report_store._serving(
            (SRC / name.replace(".", "/")).relative_to(SRC / "openness").as_posix() + "/"
        )
    }
    assert not left_out, f"the renderer imports {sorted(left_out)}: fingerprint them again"


def test_serving_code_is_left_out_and_the_rest_kept() -> None:
    assert report_store._serving("observatory/web/app.py")
    assert report_store._serving("cli/serve.py")
    assert not report_store._serving("observatory/report_store.py")
    assert not report_store._serving("formats/html_sections.py")
    assert not report_store._serving("observatory/webhooks.py")  # a prefix of a name is no folder
