"""The code layout: no import cycles, and the core (bostonems_site) depends on no other app.

The project's modules are read with `ast` (nothing is imported), keeping only imports of the
project's own modules. What counts:
- Between apps, every import, at module level or inside a function: a function-level import
  is still a dependency, and apps that depend on each other can't be understood, moved or
  removed one without the other. Tests and migrations are left out: tests exercise several
  apps together (the core's tests seed divisions, other apps' tests reuse the core's helpers),
  and migrations record history rather than structure.
- Between modules, imports run when a module is loaded (module level, class bodies): a cycle
  there is a circular import that breaks depending on which module loads first. Inside one
  app, an import deferred into a function is the accepted way to use a module that itself
  needs this one (a page model rendering its form, a task calling back its sender).
"""

import ast
from pathlib import Path

from django.conf import settings

PROJECT_DIR = Path(settings.BASE_DIR)
CORE = "bostonems_site"


def project_packages():
    """Top-level packages of this repository (the apps and the core)."""
    return sorted(
        path.name
        for path in PROJECT_DIR.iterdir()
        if (path / "__init__.py").is_file() and not path.name.startswith(".")
    )


def project_modules():
    """{dotted module name: file path} for every Python module of the project's packages."""
    modules = {}
    for package in project_packages():
        for path in (PROJECT_DIR / package).rglob("*.py"):
            parts = list(path.relative_to(PROJECT_DIR).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imports_in(tree):
    """(import node, deferred) for each import statement; deferred: inside a function, so it
    runs when the function is called rather than when the module is loaded."""

    def walk(node, deferred):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, deferred
            inner = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            yield from walk(child, deferred or inner)

    return walk(tree, False)


def imported_modules(name, path, known, include_deferred=True):
    """The project modules that module `name` imports (with `include_deferred`, also those
    imported inside functions)."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node, deferred in imports_in(ast.parse(path.read_text(), filename=str(path))):
        if deferred and not include_deferred:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from package import module` imports the module; `from module import name`
            # imports the module that defines the name.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        found.update(target for target in targets if target in known and target != name)
    return found


def import_graph(include_deferred=True):
    modules = project_modules()
    return {
        name: imported_modules(name, path, modules, include_deferred)
        for name, path in modules.items()
    }


def is_structural(module):
    """Modules that define the app's structure (not its tests or its migration history)."""
    parts = module.split(".")
    return not {"tests", "migrations"} & set(parts) and parts[-1] != "conftest"


def app_graph():
    graph = {}
    for module, imports in import_graph().items():
        if not is_structural(module):
            continue
        app = module.split(".")[0]
        graph.setdefault(app, set()).update(
            target.split(".")[0] for target in imports if target.split(".")[0] != app
        )
    return graph


def find_cycle(graph):
    """One cycle as a list of nodes (first == last), or None. Depth-first search."""
    visiting, done = [], set()

    def visit(node):
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done:
            return None
        visiting.append(node)
        for target in sorted(graph.get(node, ())):
            cycle = visit(target)
            if cycle:
                return cycle
        visiting.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        cycle = visit(node)
        if cycle:
            return cycle
    return None


def test_the_walk_sees_the_projects_imports():
    graph = import_graph()
    assert "divisions.models" in graph["divisions.templatetags.division_tags"]
    # Relative and function-level imports are seen; only the latter are deferred.
    assert "bostonems_site.content_generation" in graph["bostonems_site.fragments"]
    assert "page_cache.purge" in graph["page_cache.apps"]
    assert "bostonems_site.seo" in graph["bostonems_site.templatetags.site_tags"]
    loaded = import_graph(include_deferred=False)
    assert "bostonems_site.content_generation" in loaded["bostonems_site.fragments"]
    assert "page_cache.purge" not in loaded["page_cache.apps"]


def test_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycle_between_modules():
    cycle = find_cycle(import_graph(include_deferred=False))
    assert cycle is None, "Import cycle between modules: " + " -> ".join(cycle)


def test_no_import_cycle_between_apps():
    cycle = find_cycle(app_graph())
    assert cycle is None, "Import cycle between apps: " + " -> ".join(cycle)


def test_the_core_imports_no_other_app():
    """The core keeps configuration, the home page and site settings; content apps and site
    alerts, the page cache plug into it (template tags, seed modules, settings naming their
    functions), never the other way round."""
    assert app_graph()[CORE] == set()
