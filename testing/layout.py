"""The project's own packages (the core, the apps, the test code): every top-level folder of
the repository that is a Python package. One definition, used by the layout test
(tests/test_layout.py) and by the scripts that copy or mutate the project (scripts/mutation.py),
so a new app is picked up by both without being listed anywhere. Imports nothing of Django, so
scripts can use it before settings are configured."""

from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent


def project_packages(root=REPOSITORY):
    """Names of the top-level packages under `root` (the repository by default), sorted."""
    return sorted(
        path.name
        for path in Path(root).iterdir()
        if (path / "__init__.py").is_file() and not path.name.startswith(".")
    )
