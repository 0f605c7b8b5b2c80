"""`make mutation`: mutation testing (mutmut 3) of the modules guarding consent, limits and caching.

mutmut plants one small bug at a time (a flipped comparison, a changed constant, a dropped
argument) in a module and runs the tests that cover it; a bug no test notices is a "survivor":
a mistake the suite would let through. Each module below is mutated on its own, against only the
test files that cover it (and, within them, only the tests that reach the mutated function: mutmut
records that in a first run), in a throwaway copy of the project, so the run never touches the
checkout, its database or its caches.

Survivors that cannot change behaviour (equivalent mutants) are listed with the reason in
docs/mutation-equivalents.md; any other survivor fails the run. The last line is
`mutation: K of N mutants killed (S %)`. Not part of CI; run it before changing these modules
(docs/mutation.md).

    python scripts/mutation.py                      # every module
    python scripts/mutation.py rate_limits/counters.py   # one or more of them
    python scripts/mutation.py --recheck            # test the listed equivalents again too
"""

import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from testing.layout import project_packages  # noqa: E402

EQUIVALENTS = ROOT / "docs" / "mutation-equivalents.md"

# module -> the test files that cover it.
MODULES = {
    "rate_limits/client_address.py": ["rate_limits/tests/test_client_address.py"],
    "rate_limits/counters.py": [
        "rate_limits/tests/test_counters.py",
        "rate_limits/tests/test_client_address.py",
    ],
    "newsletter/tokens.py": [
        "newsletter/tests/test_links.py",
        "newsletter/tests/test_link_lifetimes.py",
    ],
    "newsletter/services.py": [
        "newsletter/tests/test_signup.py",
        "newsletter/tests/test_links.py",
        "newsletter/tests/test_resilience.py",
        "newsletter/tests/test_send_time_checks.py",
        "newsletter/tests/test_mail_replies.py",
        "newsletter/tests/test_concurrency.py",
    ],
    "newsletter/sending.py": [
        "newsletter/tests/test_sending.py",
        "newsletter/tests/test_resilience.py",
        "newsletter/tests/test_send_time_checks.py",
        "newsletter/tests/test_mail_replies.py",
    ],
    "page_cache/middleware.py": [
        "page_cache/tests/test_page_cache.py",
        "page_cache/tests/test_cache_bounds.py",
    ],
    "page_cache/purge.py": [
        "page_cache/tests/test_page_cache.py",
        "page_cache/tests/test_fragments.py",
    ],
}
# What a test run needs: the project's packages (mutmut copies them into mutants/, where the
# tests run), and these files and folders besides.
ALSO_COPY = ["conftest.py", "pytest.ini", "manage.py", "templates", "static", "locale"]
# Browser tests and those that start servers take seconds to minutes each, and mutmut would run
# them for most mutants of a module; what they do in this process, faster tests do too.
# pytest's check for unraisable exceptions (warnings only) collects garbage harder at the end of
# each session: half of a short session's time.
PYTEST_ARGS = [
    "-p",
    "no:cacheprovider",
    "-p",
    "no:unraisableexception",
    "-m",
    "not browser and not servers",
]


# Log lines are left alone: their wording is for whoever runs the site, not what these modules
# guard, and a mutant of each argument of each log call would double the run's time in places.
NOT_MUTATED = [r"^\s*logger\."]


def equivalents():
    """{mutant name: (the hash of its function when it was found equivalent, or None; reason)}
    from docs/mutation-equivalents.md ("- `name` (hash): reason" lines)."""
    listed = {}
    for line in EQUIVALENTS.read_text().splitlines():
        match = re.match(r"- `([^`]+)`(?: \(([0-9a-f]+)\))?: (.+)", line)
        if match:
            listed[match[1]] = (match[2], match[3])
    return listed


def function_of(name, module):
    """mutmut's name of the function a mutant of `module` changes."""
    dotted = module.removesuffix(".py").replace("/", ".")
    return name.removeprefix(f"{dotted}.").rpartition("__mutmut_")[0]


def keep_known_equivalents(workdir, module, listed):
    """An equivalent mutant survives every test, so running them all again (each runs every
    test that reaches its function: most of a run's time) tells nothing new while its function
    is unchanged. mutmut keeps a mutant's earlier result while its function's hash is the same,
    and tests it again when the function changed: so it is given the listed equivalents as
    survivors, with the hashes their functions had when they were listed."""
    results, hashes = {}, {}
    for name, (function_hash, _) in listed.items():
        function = function_of(name, module)
        if function_hash and name.startswith(module.removesuffix(".py").replace("/", ".") + "."):
            results[name] = 0
            hashes[function] = function_hash
    meta = workdir / "mutants" / f"{module}.meta"
    meta.parent.mkdir(parents=True)
    meta.write_text(
        json.dumps(
            {
                "exit_code_by_key": results,
                "hash_by_function_name": hashes,
                "durations_by_key": {},
                "estimated_durations_by_key": {},
            }
        )
    )


def project_copy(workdir):
    """The checkout's files as they are now (committed or not), without build products."""
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, files):
        source = ROOT / name.decode()
        if source.is_file():
            target = workdir / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def setup_cfg(module, tests):
    def lines(values):
        return "".join(f"\n    {value}" for value in values)

    return (
        "[mutmut]\n"
        f"source_paths={lines(project_packages(ROOT))}\n"
        f"only_mutate={lines([module])}\n"
        f"also_copy={lines(ALSO_COPY)}\n"
        f"pytest_add_cli_args_test_selection={lines(tests)}\n"
        f"pytest_add_cli_args={lines(PYTEST_ARGS)}\n"
        f"do_not_mutate_patterns={lines(NOT_MUTATED)}\n"
    )


class MutmutFailed(Exception):
    """mutmut could not run a module (its clean test run failed, say)."""


def migrated_database(workdir, env):
    """The test database as the migrations leave it, made once: each test session (one per
    mutant) runs on its own copy of it (testing/database_content.py)."""
    snapshots = workdir / "database-snapshots"
    snapshots.mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=workdir,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "bostonems_site.settings.test",
            "DATABASE_URL": f"sqlite:///{snapshots / 'migrated.sqlite3'}",
        },
        check=True,
    )
    # Each mutant's session also loads the seed content the first one built (it is the same).
    return snapshots


def mutate(module, tests, listed, recheck=False):
    """Run mutmut on one module; returns (killed, total, survivors, report), the report
    showing the change each survivor not in `listed` made. With `recheck`, the listed
    equivalents are tested again even where their functions are unchanged."""
    workdir = Path(tempfile.mkdtemp(prefix="bostonems-mutation-"))
    report = []
    try:
        project_copy(workdir)
        if not recheck:
            keep_known_equivalents(workdir, module, listed)
        (workdir / "setup.cfg").write_text(setup_cfg(module, tests))
        env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
        env["TEST_DATABASE_SNAPSHOTS"] = str(migrated_database(workdir, env))
        mutmut = [sys.executable, "-m", "mutmut"]
        started = time.monotonic()
        run = subprocess.run(
            [*mutmut, "run", "--max-children", str(os.cpu_count() or 2)],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
        )
        if run.returncode:
            raise MutmutFailed(
                f"mutmut failed on {module}:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
            )
        subprocess.run([*mutmut, "export-cicd-stats"], cwd=workdir, env=env, capture_output=True)
        stats = json.loads((workdir / "mutants" / "mutmut-cicd-stats.json").read_text())
        results = subprocess.run(
            [*mutmut, "results"], cwd=workdir, env=env, capture_output=True, text=True
        ).stdout
        # A mutant that makes the tests hang (mutmut's time limit) is noticed as surely as one
        # that fails them: CI would stop at its own limit.
        detected = (": killed", ": timeout")
        survivors = [
            line.split(":")[0].strip()
            for line in results.splitlines()
            if line.strip() and not line.rstrip().endswith(detected)
        ]
        hashes = json.loads((workdir / "mutants" / f"{module}.meta").read_text())[
            "hash_by_function_name"
        ]
        for name in survivors:
            if name not in listed:
                show = subprocess.run(
                    [*mutmut, "show", name], cwd=workdir, env=env, capture_output=True, text=True
                )
                report.append(show.stdout)
            elif listed[name][0] != (current := hashes[function_of(name, module)]):
                report.append(
                    f"  tested again, still equivalent: record it as `{name}` ({current})"
                )
        timeouts = stats.get("timeout", 0)
        killed = stats["killed"] + timeouts
        report.append(
            f"{module}: {killed} of {stats['total']} killed ({timeouts} by a time-out; "
            f"{time.monotonic() - started:.0f} s)"
        )
        return killed, stats["total"], survivors, "\n".join(report)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main(selected):
    recheck = "--recheck" in selected
    selected = [module for module in selected if module != "--recheck"]
    unknown = set(selected) - set(MODULES)
    if unknown:
        sys.exit(f"Not a module this runs on: {', '.join(sorted(unknown))}")
    listed = equivalents()
    modules = [module for module in MODULES if not selected or module in selected]
    # Two modules at a time, each in its own copy of the project, each testing as many mutants
    # at once as there are cores: one module's serial steps (mutmut's first runs of its tests)
    # overlap the other's mutants.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        # The largest modules (the most mutants) start first.
        largest_first = sorted(modules, key=lambda module: -(ROOT / module).stat().st_size)
        runs = {
            module: pool.submit(mutate, module, MODULES[module], listed, recheck)
            for module in largest_first
        }
        killed = total = 0
        unexplained = []
        for module in modules:
            try:
                module_killed, module_total, survivors, report = runs[module].result()
            except MutmutFailed as failure:
                for run in runs.values():
                    run.cancel()
                sys.exit(str(failure))
            print(report, flush=True)
            killed += module_killed
            total += module_total
            for name in survivors:
                if name in listed:
                    print(f"  equivalent: {name} ({listed[name][1]})")
                else:
                    unexplained.append(name)
                    print(f"  SURVIVED: {name} (its change is shown above)")
    if unexplained:
        print(
            f"{len(unexplained)} survivor(s) neither killed nor listed in "
            f"{EQUIVALENTS.relative_to(ROOT)}: add a test that notices, or list why it cannot "
            "change behaviour."
        )
    score = 100 * killed / total if total else 100.0
    print(f"mutation: {killed} of {total} mutants killed ({score:.1f} %)")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
