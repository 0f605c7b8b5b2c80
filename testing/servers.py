"""Real server processes for the tests and the bench: gunicorn, Redis and a throwaway PostgreSQL.

One implementation of each, used by the test suite (the fixtures at the end), scripts/bench.py
and scripts/with-postgres.sh (`python -m testing.servers postgres -- COMMAND`).
The module itself needs only the standard library, so the bench and the shell wrapper can use
it without Django or pytest. Each server is an object with start(), stop() and restart() (same
port, so clients keep their address) and is a context manager; a server that does not answer
raises ServerError with the end of its log instead of leaving a caller measuring a dead port.
"""

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() == "true"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


class ServerError(RuntimeError):
    """A server process did not start or did not answer."""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _log_tail(path, lines=40):
    with contextlib.suppress(OSError):
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    return ""


def _wait_for(ready, process, name, log_path, timeout):
    deadline = time.monotonic() + timeout
    while not ready():
        if process is not None and process.poll() is not None:
            raise ServerError(f"{name} exited with {process.returncode}:\n{_log_tail(log_path)}")
        if time.monotonic() > deadline:
            raise ServerError(f"{name} did not answer in {timeout} s:\n{_log_tail(log_path)}")
        time.sleep(0.1)


def _stop_process(process, timeout=10):
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class _Server:
    """start()/stop()/restart() and `with server:`; subclasses start one process."""

    process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def restart(self):
        self.stop()
        self.start()

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None


class Gunicorn(_Server):
    """gunicorn serving bostonems_site.wsgi on a loopback port with the environment `env`
    (e.g. production settings). Ready once it answers any HTTP response on /healthz (a 503
    from a server whose database is down still counts: the process serves)."""

    def __init__(self, env, workers=2, port=None, log_dir=None, timeout=60):
        self.env = env
        self.workers = workers
        self.port = port or free_port()
        self.timeout = timeout
        self.own_log_dir = log_dir is None
        self.log_dir = Path(log_dir or tempfile.mkdtemp(prefix="bostonems-gunicorn-"))
        self.log_path = self.log_dir / f"gunicorn-{self.port}.log"

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self):
        return self.process.pid

    def answers(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", "/healthz", headers={"Host": f"127.0.0.1:{self.port}"})
            connection.getresponse().read()
            return True
        except OSError:
            return False
        finally:
            connection.close()

    def start(self):
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "bostonems_site.wsgi",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_for(self.answers, self.process, "gunicorn", self.log_path, self.timeout)
        except ServerError:
            self.stop()
            raise

    def stop(self):
        _stop_process(self.process, timeout=20)

    def __exit__(self, *exc):
        self.stop()
        if self.own_log_dir:
            shutil.rmtree(self.log_dir, ignore_errors=True)


class Redis(_Server):
    """A throwaway redis-server on a loopback port, nothing saved to disk."""

    def __init__(self, port=None, executable=None):
        self.executable = executable or shutil.which("redis-server")
        if self.executable is None:
            raise ServerError("redis-server not found (apt-get install redis-server)")
        self.port = port or free_port()
        self.workdir = tempfile.mkdtemp(prefix="bostonems-redis-")
        self.log_path = Path(self.workdir) / "redis.log"

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self):
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 1):
            return True
        return False

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [
                self.executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.workdir,
                "--logfile",
                str(self.log_path),
            ],
            stdout=subprocess.DEVNULL,
        )
        try:
            _wait_for(self.answers, self.process, "redis-server", self.log_path, 10)
        except ServerError:
            self.stop()
            raise

    def stop(self):
        _stop_process(self.process)

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


class PostgreSQL(_Server):
    """A throwaway PostgreSQL cluster (initdb in a temporary directory) on a loopback port with
    one database. Durability is switched off unless `durable`: pointless for a throwaway
    cluster, and slow; but a crash (stop(mode="immediate")) then loses the last commits, so a
    cluster that is crashed on purpose to test recovery must be `durable`, as production is.
    stop()/start() keep the data; `with` removes the cluster at the end."""

    def __init__(self, bin_dir=PG_BIN, database="bostonems", port=None, durable=False):
        self.bin_dir = Path(bin_dir)
        if not (self.bin_dir / "initdb").exists():
            raise ServerError(
                f"PostgreSQL server binaries not found in {self.bin_dir} "
                "(apt-get install postgresql-15)"
            )
        self.database = database
        self.durable = durable
        self.port = port or free_port()
        self.workdir = Path(tempfile.mkdtemp(prefix="bostonems-pg-"))
        self.data_dir = self.workdir / "data"
        self.log_path = self.workdir / "server.log"
        # initdb refuses to run as root: then the cluster belongs to postgres (or nobody).
        self.as_owner = []
        if os.geteuid() == 0:
            owner = "postgres"
            if subprocess.run(["id", "-u", owner], capture_output=True).returncode:  # noqa: S607
                owner = "nobody"
            shutil.chown(self.workdir, owner)
            self.as_owner = ["runuser", "-u", owner, "--"]

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def _run(self, tool, *args):
        result = subprocess.run(  # noqa: S603
            [*self.as_owner, str(self.bin_dir / tool), *args], capture_output=True, text=True
        )
        if result.returncode:
            raise ServerError(
                f"{tool} failed ({result.returncode}): {result.stderr}\n{_log_tail(self.log_path)}"
            )
        return result.stdout

    def start(self):
        fresh = not self.data_dir.exists()
        if fresh:
            self._run(
                "initdb", "-D", str(self.data_dir), "-U", "postgres", "-A", "trust", "-E", "UTF8"
            )
        options = f"-h 127.0.0.1 -p {self.port} -k {self.workdir} -c max_connections=200"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_path),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        )
        if fresh:
            self._run(
                "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", self.database
            )

    def stop(self, mode="fast"):
        """`mode` "immediate" is a crash as far as clients can tell."""
        if (self.data_dir / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop")

    @property
    def running(self):
        return (self.data_dir / "postmaster.pid").exists()

    @property
    def version(self):
        return subprocess.run(  # noqa: S603
            [str(self.bin_dir / "postgres"), "--version"], capture_output=True, text=True
        ).stdout.split()[2]

    def __exit__(self, *exc):
        with contextlib.suppress(ServerError):
            self.stop(mode="immediate")
        shutil.rmtree(self.workdir, ignore_errors=True)


def production_env(database_url, **overrides):
    """The environment `make serve` gives gunicorn: production settings, DEBUG off, plain HTTP
    on loopback, no proxy in front."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bostonems_site.settings.production",
        SECRET_KEY="test-" + "k" * 60,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="False",
        TRUSTED_PROXIES="none",
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
    )
    env.update(overrides)
    return env


# --- For tests: gunicorn over the test database, Redis skipped where not installed --------------


def database_url():
    """A URL for the database the tests are using right now (a SQLite file or PostgreSQL)."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def env_for_test_server(database_url, **overrides):
    """production_env for a server the tests drive. Like the test settings, it re-renders a page
    after every change, however recently it rendered it (PAGE_CACHE_RERENDER_INTERVAL has a
    test of its own): tests check what visitors see right after an edit."""
    from django.conf import settings

    interval = str(settings.PAGE_CACHE_RERENDER_INTERVAL)
    return production_env(database_url, PAGE_CACHE_RERENDER_INTERVAL=interval, **overrides)


@contextlib.contextmanager
def gunicorn(static_root, workers=2, **env_overrides):
    """gunicorn with production settings over the test database (commit what it should see);
    yields its base URL."""
    from django.conf import settings

    env = env_for_test_server(
        database_url(),
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        **env_overrides,
    )
    with Gunicorn(env, workers=workers) as server:
        yield server.base_url


@contextlib.contextmanager
def redis_server():
    """A throwaway Redis; yields its CACHE_URL. Skipped where redis-server is missing, except in
    CI, where a missing dependency is a failure."""
    import pytest

    try:
        server = Redis()
    except ServerError as error:
        if IN_CI:
            pytest.fail(f"{error}: .ci/run installs it; CI must run this test.")
        pytest.skip(str(error))
    with server:
        yield server.url


# --- Command line: scripts/with-postgres.sh ---------------------------------------------------


def run_with_postgres(command):
    """Run `command` with DATABASE_URL pointing at a throwaway cluster, removed afterwards (also
    when the command fails or we are interrupted); returns the command's exit status."""
    # SIGTERM ends us like Ctrl-C does, so the cluster is still removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with PostgreSQL() as cluster:
        print(f"PostgreSQL {cluster.version} running on 127.0.0.1:{cluster.port}", flush=True)
        try:
            return subprocess.run(
                command, env={**os.environ, "DATABASE_URL": cluster.url}
            ).returncode  # noqa: S603
        except KeyboardInterrupt:
            return 130


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] != ["postgres"] or len(arguments) < 2:
        sys.exit("usage: python -m testing.servers postgres [--] COMMAND [ARGS...]")
    command = arguments[2:] if arguments[1] == "--" else arguments[1:]
    sys.exit(run_with_postgres(command))
