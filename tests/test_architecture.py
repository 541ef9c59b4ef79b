"""The package's shape, read from the source (ast) so that it cannot drift:

- no import cycles among the builder's modules;
- the layers: convert/ (per dump) imports nothing of archive/, output/, site/ or the
  top-level glue; archive/ nothing of output/ or site/; output/ nothing of site/; site/
  (the MkDocs side) never the CLI, the pipeline, the conversion or the archive steps;
  model.py, rules.py and console.py nothing of the builder at all;
- every module is reachable from an entry point (the `newsbrief` command, the MkDocs
  plugin, `python -m builder`), so nothing is left behind by a move;
- the conversion cache's fingerprint hashes exactly the modules the conversion imports.

Imports inside functions count; those under ``if TYPE_CHECKING:`` do not (annotations only).
"""

from __future__ import annotations

import ast
import importlib.util
import tomllib
from pathlib import Path

import pytest
from fixture_dumps import REPO

from builder.output import cache

PACKAGE = REPO / "builder"
TOP = "builder"


def _modules() -> dict[str, object]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST):
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            todo.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        todo.extend(ast.iter_child_nodes(node))


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def imports_of(name: str) -> set[str]:
    """The builder modules `name` imports, with the packages Python initialises on the way
    (a package's __init__ runs when anything below it is imported from outside it)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    direct: set[str] = set()
    for node in _import_nodes(ast.parse(path.read_bytes())):
        if isinstance(node, ast.ImportFrom):
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), package) \
                if node.level else (node.module or "")
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                direct.add(sub if sub in MODULES else base)
        else:
            direct.update(a.name for a in node.names)
    direct = {m for m in direct if m == TOP or m.startswith(TOP + ".")}
    unknown = direct - set(MODULES)
    assert not unknown, f"{name} imports modules that do not exist: {sorted(unknown)}"
    mine = {name, *_ancestors(name)}
    out = set(direct)
    for m in direct:
        out.update(a for a in _ancestors(m) if a not in mine)
    out.discard(name)
    return out


GRAPH = {name: imports_of(name) for name in MODULES}


def closure(roots) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo.extend(GRAPH[m])
    return seen


def test_no_import_cycles():
    # Tarjan's strongly connected components: any with two or more modules is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(GRAPH[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert cycles == []


def _under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


GLUE = ["builder.cli", "builder.pipeline", "builder.distributed", "builder.mkdocs_plugin", "builder.report",
        "builder.__main__"]
FORBIDDEN = {
    "builder.convert": ["builder.archive", "builder.output", "builder.site", *GLUE],
    "builder.archive": ["builder.output", "builder.site", *GLUE],
    "builder.output": ["builder.site", *GLUE],
    "builder.site": ["builder.convert", "builder.archive", *GLUE],
    "builder.model": ["builder.*"],
    "builder.rules": ["builder.*"],
    "builder.console": ["builder.*"],
}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers(layer):
    bad = []
    for name, deps in GRAPH.items():
        if not _under(name, layer):
            continue
        for dep in deps - {TOP}:
            for rule in FORBIDDEN[layer]:
                hit = dep != layer and _under(dep, TOP) if rule == "builder.*" else _under(dep, rule)
                if hit and not _under(dep, layer):
                    bad.append(f"{name} imports {dep}")
    assert bad == []


def entry_points() -> set[str]:
    """The modules the outside world starts from: pyproject's scripts and entry points,
    `python -m builder`, and the MkDocs child of `newsbrief build` (builder.site.build)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    targets = list(project["scripts"].values())
    for group in project.get("entry-points", {}).values():
        targets += group.values()
    return {t.partition(":")[0] for t in targets} | {"builder.__main__"}


def test_every_module_is_reachable_from_an_entry_point():
    roots = entry_points()
    assert {"builder.cli", "builder.mkdocs_plugin"} <= roots
    assert set(MODULES) - closure(roots) == set()


def test_the_entry_points_and_mkdocs_yml_name_real_objects():
    import importlib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    targets = [*project["scripts"].values(), *(t for g in project["entry-points"].values() for t in g.values())]
    for target in targets:
        module, _, attr = target.partition(":")
        assert callable(getattr(importlib.import_module(module), attr)), target
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    for ref in [line.split("!!python/name:")[1].strip() for line in config.splitlines() if "!!python/name:" in line]:
        module, _, attr = ref.rpartition(".")
        if module.startswith(TOP):
            assert callable(getattr(importlib.import_module(module), attr)), ref


def test_the_cache_fingerprint_hashes_exactly_what_the_conversion_imports():
    expected = closure(["builder.pipeline", "builder.output.cache"]) | {TOP}
    assert {str(p) for p in cache.conversion_modules()} == {str(MODULES[m]) for m in expected}
    assert not any(_under(m, "builder.site") for m in expected)


# -- the project root is given, never taken from the working folder ----------------------

def test_nothing_changes_the_working_folder():
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.Attribute) and node.attr in ("chdir", "fchdir"):
                calls.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert calls == []


def test_the_pipeline_works_from_the_root_it_is_given(tmp_path, monkeypatch):
    import shutil

    import frontmatter
    from fixture_dumps import LONG

    from builder.pipeline import convert
    from builder.rules import load_rules

    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    (project / "seeds").mkdir(parents=True)
    elsewhere.mkdir()
    shutil.copy(LONG, project / "seeds" / LONG.name)
    monkeypatch.chdir(elsewhere)
    result = convert([project / "seeds"], load_rules(), project / "docs" / "posts", workers=1,
                     cache_dir=project / ".cache", root=project)
    assert Path.cwd() == elsewhere
    [o] = result.outcomes
    assert o.source_path == f"seeds/{LONG.name}" and o.page.startswith("docs/posts/")
    assert frontmatter.load(project / o.page)["source"] == f"seeds/{LONG.name}"
    assert not any(elsewhere.iterdir())
