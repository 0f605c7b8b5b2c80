"""What the test database holds when each test starts: built once per session, not per test.

Loading the seed takes seconds (pages, revisions, images, the search index) and about half the
tests need it, so rebuilding it inside every test made the suite slow. Instead the database is
in one of three committed states, each built once and then kept as a snapshot (on PostgreSQL a
copy of its tables, elsewhere serialized):

- "empty": as the migrations leave it (tests that build their own pages or topics);
- "seeded": the seed content, as `make run` loads it (`seeded_site`, `live_site`,
  `committed_site`);
- "translated": the seed plus its sample translations (`translated_site`).

Just before a test's database transaction opens, the database is switched to the state that
test asks for (empty the tables, then load the snapshot: well under a second); the test then
runs inside a transaction rolled back at its end, so the next test with the same needs starts
from the same committed state at no cost. Tests are ordered by the state they need, so switches
are rare. Transactional tests (a live server or gunicorn reading commits) leave the database
flushed, so the state is forgotten after them and restored from its snapshot for the next test.
"""

import contextlib
import json
import os
import shutil
import sqlite3
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from testing.servers import (
    MIGRATED_DUMP_VARIABLE,
    database_url,
    pg_dump_database,
    run_migrations,
)

EMPTY, SEEDED, TRANSLATED = "empty", "seeded", "translated"
# A folder where the states' snapshots, once built, are kept for later sessions (which then load
# them instead of the seed): `make mutation` runs the same tests in a new session for each of
# hundreds of mutants, on unchanged seed content, and building the seed took longer than the
# tests. Unset (every other run): each session builds its own, from the current seed code.
KEPT_SNAPSHOTS = os.environ.get("TEST_DATABASE_SNAPSHOTS")
# With a migrated SQLite database in that folder (scripts/mutation.py makes it), each session
# runs on its own copy of it: no migrations to check (most of a short session's time), and
# sessions side by side (mutants tested at once) never share a database.
MIGRATED_DATABASE = KEPT_SNAPSHOTS and Path(KEPT_SNAPSHOTS, "migrated.sqlite3")
# The fixtures that ask for each state; a test that asks for none gets the migrated database.
STATE_FIXTURES = {
    TRANSLATED: {"translated_site"},
    SEEDED: {"seeded_site", "live_site", "committed_site"},
}
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "live_site", "committed_site"}


def state_needed(item):
    names = set(getattr(item, "fixturenames", ()))
    for state, fixtures in STATE_FIXTURES.items():
        if names & fixtures:
            return state
    return EMPTY


def is_transactional(item):
    marker = item.get_closest_marker("django_db")
    return bool(
        set(getattr(item, "fixturenames", ())) & TRANSACTIONAL_FIXTURES
        or (marker and marker.kwargs.get("transaction"))
    )


def snapshot():
    """The whole database as JSON, content types first: save signals fired while the rest loads
    (search index, references) look content types up, and must find the snapshot's own rows
    instead of creating new ones that would then clash with them."""
    rows = json.loads(connection.creation.serialize_db_to_string())
    rows.sort(key=lambda row: row["model"] != "contenttypes.contenttype")
    return json.dumps(rows)


def restore(data):
    from django.contrib.contenttypes.models import ContentType

    # Sequences keep counting (as after Django's own flushes between transactional tests): the
    # snapshot's rows keep their ids, and new rows must not be given those ids again.
    call_command(
        "flush", verbosity=0, interactive=False, inhibit_post_migrate=True, reset_sequences=False
    )
    ContentType.objects.clear_cache()  # ids cached before the flush may be gone
    connection.creation.deserialize_db_from_string(data)
    ContentType.objects.clear_cache()


def _tables():
    return connection.introspection.django_table_names(only_existing=True, include_views=False)


def copy_tables(state):
    """PostgreSQL: every table as it is now, copied into a schema of the state's own; returns
    the schema's name."""
    quote = connection.ops.quote_name
    schema = f"state_{state}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {quote(schema)} CASCADE")
        cursor.execute(f"CREATE SCHEMA {quote(schema)}")
        for table in _tables():
            cursor.execute(f"CREATE TABLE {quote(schema)}.{quote(table)} AS TABLE {quote(table)}")
    return schema


def restore_tables(schema):
    """Every table emptied and refilled from its copy in `schema`, in one transaction: the
    foreign keys (deferred, as Django makes them) are checked at its end, with every row back.
    Sequences keep counting, as after restore()'s flush."""
    from django.contrib.contenttypes.models import ContentType

    quote = connection.ops.quote_name
    tables = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(map(quote, tables))}")
        for table in tables:
            cursor.execute(
                f"INSERT INTO {quote(table)} SELECT * FROM {quote(schema)}.{quote(table)}"  # noqa: S608
            )
    ContentType.objects.clear_cache()  # ids cached before may be gone


class DatabaseContent:
    """The committed content of this process's test database, switched between snapshots."""

    def __init__(self):
        self.snapshots = {}
        self.current = EMPTY
        # On PostgreSQL, unless the snapshots are kept as files for later sessions, a state is
        # kept as a copy of the tables: restoring it takes a tenth of a second, where loading
        # the JSON took one, and every transactional test (about 90) starts with a restore.
        self.in_tables = connection.vendor == "postgresql" and not KEPT_SNAPSHOTS
        self._remember(EMPTY)

    def switch_to(self, state):
        if state == self.current:
            return
        kept = KEPT_SNAPSHOTS and Path(KEPT_SNAPSHOTS) / f"{state}.json"
        if state not in self.snapshots and kept and kept.is_file():
            self.snapshots[state] = kept.read_text()
        if state in self.snapshots:
            (restore_tables if self.in_tables else restore)(self.snapshots[state])
        else:
            # Built on top of the state below it, then remembered.
            self.switch_to(SEEDED if state == TRANSLATED else EMPTY)
            options = {} if state == TRANSLATED else {"without_translations": True}
            call_command("load_seed_content", stdout=StringIO(), **options)
            self._remember(state)
        self.current = state

    def _remember(self, state):
        """The database as it is now is `state`: snapshot it, or read the kept snapshot."""
        if self.in_tables:
            self.snapshots[state] = copy_tables(state)
            return
        kept = KEPT_SNAPSHOTS and Path(KEPT_SNAPSHOTS) / f"{state}.json"
        if kept and kept.is_file():
            self.snapshots[state] = kept.read_text()
            return
        self.snapshots[state] = snapshot()
        if kept:
            kept.with_suffix(".partial").write_text(self.snapshots[state])
            kept.with_suffix(".partial").replace(kept)

    def forget(self):
        """The next test will find the database flushed (or changed and committed)."""
        self.current = None


if MIGRATED_DATABASE:

    @pytest.fixture(scope="session")
    def django_db_setup(django_db_blocker):
        """Instead of pytest-django's (migrate, or check the migrations of a reused database):
        this session's own copy of the migrated database."""
        from django.db import connections

        copy = MIGRATED_DATABASE.with_name(f"session-{os.getpid()}.sqlite3")
        with (
            contextlib.closing(sqlite3.connect(MIGRATED_DATABASE)) as source,
            contextlib.closing(sqlite3.connect(copy)) as target,
        ):
            source.backup(target)
        connection = connections["default"]
        connection.close()
        connection.settings_dict["NAME"] = str(copy)
        yield
        with django_db_blocker.unblock():
            connection.close()
        for name in (copy, f"{copy}-wal", f"{copy}-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(name)


# On PostgreSQL the migrations run once per session, not once per worker: before the workers
# start, the first process migrates a template database, and each worker's test database is a
# copy of it (CREATE DATABASE ... TEMPLATE: under a second, where migrating took 20-30 s; Django's
# migrate then finds nothing to apply). A dump of it goes to the server stacks' own clusters
# (testing/servers.py: migrate). The variable names the template for the workers.
MIGRATED_TEMPLATE_VARIABLE = "TEST_MIGRATED_DATABASE_TEMPLATE"


def pytest_sessionstart(session):
    config = session.config
    if (
        hasattr(config, "workerinput")
        or config.option.collectonly
        or connection.vendor != "postgresql"
    ):
        return
    template = f"test_{settings.DATABASES['default']['NAME']}_migrated"
    with _server_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{template}"')
        cursor.execute(f'CREATE DATABASE "{template}"')
    folder = Path(tempfile.mkdtemp(prefix="bostonems-migrated-"))
    config.add_cleanup(lambda: _remove_migrated_template(template, folder))
    run_migrations(
        {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
            "DATABASE_URL": database_url(template),
        }
    )
    pg_dump_database(database_url(template), folder / "migrated.dump")
    os.environ[MIGRATED_TEMPLATE_VARIABLE] = template
    os.environ[MIGRATED_DUMP_VARIABLE] = str(folder / "migrated.dump")


@contextlib.contextmanager
def _server_cursor():
    """A cursor on the test database's PostgreSQL server, outside any database (CREATE and DROP
    DATABASE are run from there)."""
    import psycopg2

    db = settings.DATABASES["default"]
    with contextlib.closing(
        psycopg2.connect(
            dbname="postgres",
            user=db["USER"],
            password=db["PASSWORD"],
            host=db["HOST"],
            port=db["PORT"],
        )
    ) as server:
        server.autocommit = True
        with server.cursor() as cursor:
            yield cursor


def _remove_migrated_template(template, folder):
    with _server_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{template}"')
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """pytest-django's, and the test database copied from the migrated template, if there is
    one."""
    if template := os.environ.get(MIGRATED_TEMPLATE_VARIABLE):
        settings.DATABASES["default"].setdefault("TEST", {})["TEMPLATE"] = template


@pytest.fixture(scope="session")
def database_content(request, django_db_setup, django_db_blocker):
    """With pytest-django's --reuse-db the next session takes its "empty" state from the
    database this one leaves: so it is left as the migrations made it, not flushed by a
    transactional test or holding the seed."""
    reused = request.config.getoption("reuse_db", False)
    with django_db_blocker.unblock():
        if reused:
            _check_reused_database()
        content = DatabaseContent()
    yield content
    if reused:
        with django_db_blocker.unblock():
            content.switch_to(EMPTY)


def _check_reused_database():
    from wagtail.models import Locale

    if not Locale.objects.exists():  # every migrated database has the default locale
        pytest.exit(
            "The reused test database was left emptied by an interrupted session: "
            "run once with --create-db.",
            returncode=2,
        )


def pytest_collection_modifyitems(items):
    """Run tests grouped by the database state they need, transactional ones last, so that the
    database switches state a handful of times per session, not once per test."""
    order = {EMPTY: 0, SEEDED: 1, TRANSLATED: 2}
    items.sort(key=lambda item: (is_transactional(item), order[state_needed(item)]))


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    # `_django_db_helper` is pytest-django's fixture that opens the test's transaction (or, for
    # transactional tests, hands over the committed database); switch just before it runs.
    if fixturedef.argname == "_django_db_helper":
        from testing.helpers import empty_caches

        content = request.getfixturevalue("database_content")
        with request.getfixturevalue("django_db_blocker").unblock():
            content.switch_to(state_needed(request.node))
        if is_transactional(request.node):
            content.forget()
        empty_caches()  # loading a snapshot sends save signals that may touch the caches
    return (yield)
