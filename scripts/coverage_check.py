"""Hold the test suite's coverage to its floor: print the line-and-branch figure CI measured
and fail when it has dropped.

    python scripts/coverage_check.py coverage.json           # check (make coverage)
    python scripts/coverage_check.py coverage.json --update  # record today's figures

coverage-floor.json holds the floor for the whole site (the figure when it was last recorded,
rounded down to a tenth) and each file's own figure. A run fails when

- the whole site is below its floor, or
- a file is below the floor, or below its own recorded figure where that was lower already
  (a file already under the floor may not get worse), or
- a new file is below the floor.

A file is allowed two lines or branches below that before it fails: a few branches depend on
timing (a retry taken or not under load), and the floor is about tests, not luck.
"""

import argparse
import json
import math
import sys
from pathlib import Path

FLOOR_FILE = Path(__file__).resolve().parent.parent / "coverage-floor.json"
SLACK = 2  # lines or branches


def measured(report):
    """{path: (covered, total)} in lines plus branches, and the site's figure in percent."""
    files = {}
    for path, data in report["files"].items():
        summary = data["summary"]
        total = summary["num_statements"] + summary.get("num_branches", 0)
        covered = summary["covered_lines"] + summary.get("covered_branches", 0)
        files[path] = (covered, total)
    return files, report["totals"]["percent_covered"]


def percent(covered, total):
    return 100.0 * covered / total if total else 100.0


def failures(files, site_figure, record):
    floor = record["floor"]
    problems = []
    if site_figure < floor:
        problems.append(f"the site: {site_figure:.1f} % < floor {floor:.1f} %")
    for path, (covered, total) in sorted(files.items()):
        required = min(floor, record["files"].get(path, floor))
        if covered < required * total / 100 - SLACK:
            figure = percent(covered, total)
            problems.append(f"{path}: {figure:.1f} % < {required:.1f} %")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", help="coverage's JSON report (coverage json)")
    parser.add_argument("--update", action="store_true", help="record these figures as the floor")
    args = parser.parse_args()
    files, site_figure = measured(json.loads(Path(args.report).read_text()))
    lowest = sorted(files.items(), key=lambda item: percent(*item[1]))[:5]
    print("lowest: " + ", ".join(f"{path} {percent(*figures):.0f} %" for path, figures in lowest))
    if args.update:
        record = {
            "floor": math.floor(site_figure * 10) / 10,
            "files": {path: round(percent(*figures), 1) for path, figures in sorted(files.items())},
        }
        FLOOR_FILE.write_text(json.dumps(record, indent=1) + "\n")
        print(f"coverage: {site_figure:.1f} % of lines and branches, recorded as the floor")
        return 0
    record = json.loads(FLOOR_FILE.read_text())
    problems = failures(files, site_figure, record)
    for problem in problems:
        print(f"coverage dropped: {problem}")
    verdict = "below the floor" if problems else "at or above the floor"
    print(
        f"coverage: {site_figure:.1f} % of lines and branches "
        f"(floor {record['floor']:.1f} %), {verdict}"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
