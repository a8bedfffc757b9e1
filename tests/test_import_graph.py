"""The layers of skkeras, checked on its source code.

The *core* is every module of the package except the command line
(``skkeras._cli`` and its modules), the tutorial tasks (``skkeras.tasks``
and its modules), the reports (``skkeras.reports`` and its modules) and
``skkeras.__main__``. The core never imports those three, directly or
through other modules: they are built on the estimators, not the reverse.
And the estimators' base (``skkeras._base``) does not import the
model-selection machinery built on it.

What counts as an import: every ``import`` and ``from ... import`` statement
of a module, wherever it stands (module level, inside functions, methods,
``if`` and ``try`` blocks), relative ones resolved. Importing ``a.b.c`` runs
the ``__init__`` of ``a`` and ``a.b`` too, so it counts as importing them
(except the importer's own packages, imported before it). Not counted:
``importlib.import_module`` calls, which name their module at run time, such
as the attribute hook ``skkeras.__getattr__`` that imports ``skkeras.tasks``
when a user reads ``skkeras.tasks`` (the user's import, not the core's; the
static imports of ``skkeras/__init__.py`` are checked like any core
module's). :func:`test_importing_the_core_leaves_the_outer_layers_out`
checks at run time what such calls do while the core is imported.
"""

import ast
import json
import subprocess
import sys
from collections import deque
from pathlib import Path

import pytest

import skkeras

PACKAGE_DIR = Path(skkeras.__file__).parent

# The layers built on the core; the core imports none of them.
OUTER = ("skkeras._cli", "skkeras.tasks", "skkeras.reports")
NOT_CORE = (*OUTER, "skkeras.__main__")
# Third-party packages whose absence leaves a core module unimportable.
OPTIONAL_BACKENDS = {"jax", "torch", "tensorflow"}
MODEL_SELECTION = (
    "skkeras._search",
    "skkeras._halving",
    "skkeras._rungs",
    "skkeras.model_selection",
    "skkeras._replay",
)


def in_packages(name, packages):
    """Whether module ``name`` is one of ``packages`` or inside one."""
    return any(name == p or name.startswith(p + ".") for p in packages)


def module_files(package_dir):
    """``{module name: path}`` for every ``.py`` file under ``package_dir``."""
    files = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        files[".".join(parts)] = path
    return files


def _ancestors(name):
    """``name`` and the packages above it: ``a.b.c`` -> ``a.b.c, a.b, a``."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


def _statement_targets(node, package, modules):
    """The module names an import statement imports (before any fallback)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        parts = package.split(".")
        if node.level - 1 >= len(parts):
            raise ValueError(f"relative import beyond the top of {package!r}")
        base = ".".join(parts[: len(parts) - node.level + 1])
        if node.module:
            base = f"{base}.{node.module}"
    else:
        base = node.module
    # ``from pkg import name``: a submodule if pkg has one, else pkg itself.
    return [
        f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
        for alias in node.names
    ]


def import_graph(files):
    """``{module: modules it imports}``, among the modules of ``files``.

    Parameters
    ----------
    files : dict
        ``{module name: path}``, as :func:`module_files` returns.

    Returns
    -------
    graph : dict of str to set of str
        The edges of every import statement at any depth of each module,
        with the packages that importing a module runs (see the module
        docstring); imports of modules outside ``files`` are left out.
    """
    graph = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        already = set(_ancestors(name))
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in _statement_targets(node, package, files):
                # ``import pkg.mod.attr`` style names: their nearest module.
                found = next((m for m in _ancestors(target) if m in files), None)
                if found is not None:
                    edges.update(m for m in _ancestors(found) if m not in already)
        graph[name] = edges
    return graph


def path_to(graph, source, is_target):
    """The shortest import chain from ``source`` to a module for which
    ``is_target`` holds, as a list of module names, or None."""
    previous = {source: None}
    queue = deque([source])
    while queue:
        module = queue.popleft()
        if module != source and is_target(module):
            chain = [module]
            while previous[chain[-1]] is not None:
                chain.append(previous[chain[-1]])
            return chain[::-1]
        for imported in sorted(graph.get(module, ())):
            if imported not in previous:
                previous[imported] = module
                queue.append(imported)
    return None


def violations(graph, sources, forbidden):
    """``{source: import chain}`` for each of ``sources`` that reaches a
    module in the packages ``forbidden``."""
    found = {}
    for source in sorted(sources):
        chain = path_to(graph, source, lambda m: in_packages(m, forbidden))
        if chain is not None:
            found[source] = chain
    return found


@pytest.fixture(scope="module")
def graph():
    return import_graph(module_files(PACKAGE_DIR))


# ----------------------------------------------------------------------
# The checking functions, on small made-up graphs and packages
# ----------------------------------------------------------------------
def test_path_to_finds_transitive_imports_and_stops_on_cycles():
    made_up = {"a": {"b"}, "b": {"c", "a"}, "c": set(), "d": {"a"}}
    assert path_to(made_up, "d", lambda m: m == "c") == ["d", "a", "b", "c"]
    assert path_to(made_up, "c", lambda m: m == "a") is None
    assert path_to(made_up, "a", lambda m: m == "d") is None  # a <-> b cycle


def test_violations_catch_a_planted_import_and_only_it():
    clean = {"core.x": {"core.y"}, "core.y": set(), "outer": {"core.x"}}
    assert violations(clean, ["core.x", "core.y"], ["outer"]) == {}
    planted = {**clean, "core.y": {"outer.sub"}, "outer.sub": set()}
    assert violations(planted, ["core.x", "core.y"], ["outer"]) == {
        "core.x": ["core.x", "core.y", "outer.sub"],
        "core.y": ["core.y", "outer.sub"],
    }


def _write_package(root, sources):
    for relative, text in sources.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return module_files(root / "pkg")


def test_import_graph_resolves_every_kind_of_import(tmp_path):
    files = _write_package(
        tmp_path,
        {
            "pkg/__init__.py": "import os\nfrom ._version import V\n",
            "pkg/_version.py": "V = 1\n",
            "pkg/core.py": "def f():\n    if True:\n        from .cli import main\n",
            "pkg/cli/__init__.py": "from . import parse\n",
            "pkg/cli/parse.py": "from .. import core\nimport pkg.outer.deep\n",
            "pkg/outer/__init__.py": "",
            "pkg/outer/deep.py": "from ..cli.parse import x\nfrom pkg import V\n",
        },
    )
    assert import_graph(files) == {
        "pkg": {"pkg._version"},
        "pkg._version": set(),
        "pkg.core": {"pkg.cli"},  # inside a function and an ``if``
        "pkg.cli": {"pkg.cli.parse"},
        "pkg.cli.parse": {"pkg.core", "pkg.outer", "pkg.outer.deep"},
        "pkg.outer": set(),
        "pkg.outer.deep": {"pkg.cli", "pkg.cli.parse"},
    }
    found = violations(import_graph(files), ["pkg", "pkg.core"], ["pkg.cli"])
    assert found == {"pkg.core": ["pkg.core", "pkg.cli"]}


def test_import_graph_refuses_an_import_beyond_the_top(tmp_path):
    files = _write_package(tmp_path, {"pkg/__init__.py": "from .. import x\n"})
    with pytest.raises(ValueError, match="beyond the top of 'pkg'"):
        import_graph(files)


# ----------------------------------------------------------------------
# skkeras' graph
# ----------------------------------------------------------------------
def test_graph_holds_every_module_and_known_imports(graph):
    assert set(graph) == set(module_files(PACKAGE_DIR))
    assert {"skkeras", "skkeras._base", "skkeras._cli", "skkeras.tasks"} <= set(graph)
    known = [
        ("skkeras.__main__", "skkeras._cli"),
        ("skkeras._mlp_base", "skkeras._base"),  # module level, relative
        ("skkeras._cli.parser", "skkeras._cli.commands.cv"),  # from . import mod
        ("skkeras._cli.commands.tasks", "skkeras.tasks"),  # inside a function
        ("skkeras._cli.commands.cv", "skkeras.tasks._run"),  # from ...pkg.mod
        ("skkeras._cli.commands.cv", "skkeras.tasks"),  # the package it runs
        ("skkeras._cli.commands.fit", "skkeras.reports._text"),  # three dots
    ]
    for importer, imported in known:
        assert imported in graph[importer], (importer, imported)
    for package in ("skkeras.tasks", "skkeras.reports"):
        assert path_to(graph, "skkeras._cli", lambda m, p=package: m == p)


def test_core_never_imports_the_cli_tasks_or_reports(graph):
    core = [m for m in graph if not in_packages(m, NOT_CORE)]
    assert "skkeras._base" in core and "skkeras" in core
    assert not any(in_packages(m, OUTER) for m in core)
    found = violations(graph, core, OUTER)
    assert found == {}, "\n".join(" -> ".join(chain) for chain in found.values())


def test_base_does_not_import_model_selection(graph):
    chain = path_to(graph, "skkeras._base", lambda m: m in MODEL_SELECTION)
    assert chain is None, " -> ".join(chain)


def test_importing_the_core_leaves_the_outer_layers_out():
    """At run time too: importing every core module (those whose third-party
    dependencies are installed) imports none of the outer layers."""
    core = sorted(m for m in module_files(PACKAGE_DIR) if not in_packages(m, NOT_CORE))
    inside = tuple(f"{package}." for package in OUTER)
    code = f"""
import importlib, json, sys
imported, failed, missing = [], [], set()
for name in {core!r}:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as exc:  # an optional backend not installed
        if (exc.name or "").startswith("skkeras"):
            raise
        missing.add(exc.name.split(".")[0])
        failed.append(name)
    else:
        imported.append(name)
outer = sorted(m for m in sys.modules if m in {OUTER!r} or m.startswith({inside!r}))
print(json.dumps(["skkeras._base" in imported, failed, sorted(missing), outer]))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    has_base, failed, missing, outer = json.loads(done.stdout.splitlines()[-1])
    # Only a backend's own modules need it: skkeras._engine.jax* without JAX.
    assert has_base and set(missing) <= OPTIONAL_BACKENDS, missing
    for name in failed:
        assert any(name.split(".")[-1].startswith(b) for b in missing), name
    assert outer == []
