"""On several workers (`make test`), the tests of a file that share a module-scoped stack run
on one of them, so that the stack starts once (conftest.py groups them)."""

import pytest


def test_each_group_of_tests_is_kept_on_one_worker(request):
    config = request.config
    if not hasattr(config, "workerinput") or not config.getvalue("loadgroup"):
        pytest.skip("groups matter only on pytest-xdist workers with --dist loadgroup")
    # pytest-xdist tells its scheduler a test's group by appending "@group" to the test's id.
    # pytest 9.2 keeps ids where that no longer reaches them: the groups were dropped without a
    # word, and every worker started the fault suite's stack (requirements-dev.txt pins pytest).
    ungrouped = [
        item.nodeid
        for item in request.session.items
        if (group := item.get_closest_marker("xdist_group"))
        and not item.nodeid.endswith(f"@{group.args[0]}")
    ]
    assert ungrouped == []
