"""The code layout: three floors, no import cycles, and test code only where tests are.

The floors, from the bottom:
- infrastructure (`page_cache` with the content generation and the kept fragments,
  `rate_limits`): serves any Django site and imports nothing of ours above it;
- the core (`bostonems_site`): settings, the home page, site settings and text, language logic,
  roles, SEO; imports infrastructure only;
- content apps (`divisions`, `news`, `media_library`, `newsletter`, `site_alerts`, ...): import
  the core and infrastructure, and each other without cycles.
Test code (`testing/`, the `tests` folders) sits beside them; nothing else imports it.

The project's modules are read with `ast` (nothing is imported), keeping only imports of the
project's own modules. Every import counts, at module level or inside a function: a
function-level import is still a dependency, and one that closes a loop is a cycle hidden from
Python until the function runs. Migrations record history rather than structure and are left
out.
"""

import ast
from pathlib import Path

from django.conf import settings

from testing.layout import project_packages

PROJECT_DIR = Path(settings.BASE_DIR)
CORE = "bostonems_site"


def project_modules():
    """{dotted module name: file path} for every Python module of the project's packages."""
    modules = {}
    for package in project_packages(PROJECT_DIR):
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
    assert "page_cache.content_generation" in graph["page_cache.fragments"]
    assert "page_cache.purge" in graph["page_cache.apps"]
    assert "bostonems_site.seo" in graph["bostonems_site.templatetags.site_tags"]
    loaded = import_graph(include_deferred=False)
    assert "page_cache.content_generation" in loaded["page_cache.fragments"]
    assert "page_cache.purge" not in loaded["page_cache.apps"]


def test_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycle_between_apps():
    cycle = find_cycle(app_graph())
    assert cycle is None, "Import cycle between apps: " + " -> ".join(cycle)


INFRASTRUCTURE = {"page_cache", "rate_limits"}
TEST_PACKAGES = {"testing", "tests"}


def test_the_floors():
    graph = app_graph()
    content_apps = set(graph) - INFRASTRUCTURE - TEST_PACKAGES - {CORE}
    assert {"divisions", "news", "newsletter"} <= content_apps
    for app in INFRASTRUCTURE:
        assert graph.get(app, set()) <= INFRASTRUCTURE, f"{app} imports a floor above it"
    assert graph[CORE] <= INFRASTRUCTURE, "the core imports a content app"
    for app in content_apps:
        assert not graph[app] & TEST_PACKAGES, f"{app} imports test code"


def test_no_module_outside_the_tests_imports_test_code():
    modules = project_modules()
    for name, imports in import_graph().items():
        if is_structural(name) and name.split(".")[0] not in TEST_PACKAGES:
            test_code = {
                target
                for target in imports
                if target.split(".")[0] in TEST_PACKAGES or not is_structural(target)
            }
            assert not test_code, f"{name} imports {sorted(test_code)}"
        elif is_structural(name) and name.startswith("testing."):
            # The shared test infrastructure stands on its own: it borrows no app's tests.
            app_tests = {target for target in imports if not is_structural(target)}
            assert not app_tests, f"{name} imports {sorted(app_tests)}"
    scripts = PROJECT_DIR / "scripts"
    bench = imported_modules("scripts.bench", scripts / "bench.py", modules)
    assert "testing.servers" in bench


def test_no_import_cycle_counting_imports_inside_functions():
    cycle = find_cycle(import_graph(include_deferred=True))
    assert cycle is None, "Import cycle through a function-level import: " + " -> ".join(cycle)


def function_level_imports():
    """(module, imported module) for each import of our own code made inside a function."""
    modules = project_modules()
    found = []
    for name, path in modules.items():
        if not is_structural(name) or name.split(".")[0] in TEST_PACKAGES:
            continue
        if name.endswith(".apps"):
            continue  # AppConfig.ready() is where Django has signal handlers imported
        deferred = imported_modules(name, path, modules) - imported_modules(
            name, path, modules, include_deferred=False
        )
        found.extend((name, target) for target in sorted(deferred))
    return found


# Function-level imports hide a module's dependencies from its reader. The ones left are the
# usual Django reasons: admin hooks that load their views only when the admin asks, and a model
# reading another app's models while the registry loads (AppConfig.ready() is not counted).
# A new one needs such a reason; this number goes down, never up.
MOST_FUNCTION_LEVEL_IMPORTS = 4


def test_imports_inside_functions_are_counted():
    found = function_level_imports()
    assert len(found) <= MOST_FUNCTION_LEVEL_IMPORTS, "\n".join(map(str, found))
