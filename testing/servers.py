"""Real server processes for the tests and the bench: gunicorn, Redis, a throwaway PostgreSQL,
the newsletter worker and nginx with the shipped configuration (deploy/nginx/bostonems.conf).

One implementation of each, used by the test suite (the fixtures at the end), scripts/bench.py,
scripts/topology.py (through testing/topology.py, which puts them together) and
scripts/with-postgres.sh (`python -m testing.servers postgres -- COMMAND`).
The module itself needs only the standard library, so the bench and the shell wrapper can use
it without Django or pytest. Each server is an object with start(), stop() and restart() (same
port, so clients keep their address) and is a context manager; a server that does not answer
raises ServerError with the end of its log instead of leaving a caller measuring a dead port.
"""

import contextlib
import http.client
import os
import re
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

    def __init__(self, env, workers=2, port=None, log_dir=None, timeout=60, root=ROOT):
        self.env = env
        self.workers = workers
        self.root = root  # another checkout of the site, for the bench's side-by-side runs
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
        self.launch()
        self.wait_until_answering()

    def launch(self):
        """Start the process without waiting for it to answer (start_together)."""
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
                cwd=self.root,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_until_answering(self):
        try:
            _wait_for(self.answers, self.process, "gunicorn", self.log_path, self.timeout)
        except ServerError:
            self.stop()
            raise

    def stop(self):
        _stop_process(self.process, timeout=20)

    def kill(self):
        """The node dies at once (kill -9 of the master and every worker), mid-request."""
        if not self.running:
            return
        workers = subprocess.run(  # noqa: S603
            ["pgrep", "-P", str(self.process.pid)],  # noqa: S607
            capture_output=True,
            text=True,
        ).stdout.split()
        for pid in [self.process.pid, *map(int, workers)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()

    def __exit__(self, *exc):
        self.stop()
        if self.own_log_dir:
            shutil.rmtree(self.log_dir, ignore_errors=True)


def start_together(servers):
    """Start gunicorn `servers` side by side: each loads Django meanwhile (on its own core when
    there are two), so two nodes are up in about the time of one."""
    for server in servers:
        server.launch()
    for server in servers:
        server.wait_until_answering()


class NewsletterWorker(_Server):
    """`manage.py run_newsletter_worker` with the environment `env`, as its systemd unit runs it
    (deploy/systemd/bostonems-newsletter-worker.service). Ready once it runs: it has no port."""

    def __init__(self, env, log_dir):
        self.env = env
        self.log_path = Path(log_dir) / "newsletter-worker.log"

    def start(self):
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [sys.executable, "manage.py", "run_newsletter_worker"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def stop(self):
        _stop_process(self.process, timeout=20)


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

    def restore(self, dump):
        """Load `dump` (pg_dump_database's) into the database. pg_restore is a client: it runs
        as whoever we are, connecting as the cluster's superuser."""
        _run_client(
            self.bin_dir / "pg_restore", "--no-owner", "--exit-on-error", "-d", self.url, dump
        )

    @property
    def version(self):
        return subprocess.run(  # noqa: S603
            [str(self.bin_dir / "postgres"), "--version"], capture_output=True, text=True
        ).stdout.split()[2]

    def __exit__(self, *exc):
        with contextlib.suppress(ServerError):
            self.stop(mode="immediate")
        shutil.rmtree(self.workdir, ignore_errors=True)


def _run_client(tool, *args):
    result = subprocess.run([str(tool), *args], capture_output=True, text=True)  # noqa: S603
    if result.returncode:
        raise ServerError(f"{Path(tool).name} failed ({result.returncode}): {result.stderr}")


def pg_dump_database(url, path):
    """The database at `url` into the file `path` (pg_dump's custom format)."""
    _run_client(PG_BIN / "pg_dump", "--format=custom", "--no-owner", "-f", str(path), "-d", url)


# A test session on PostgreSQL migrates one database and dumps it into the file this variable
# names (testing/database_content.py); its server stacks load that instead of migrating their
# own cluster's database again.
MIGRATED_DUMP_VARIABLE = "TEST_MIGRATED_DATABASE_DUMP"


def run_migrations(env):
    """`manage.py migrate` with the environment `env` (its DATABASE_URL): 20-30 s on a new
    database."""
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


def migrate(postgres, env):
    """The migrations applied to the database of `postgres` (a PostgreSQL): the test session's
    dump of its migrated database loaded, a second or two, where there is one; else
    run_migrations with the environment `env`."""
    dump = os.environ.get(MIGRATED_DUMP_VARIABLE)
    if dump:
        postgres.restore(dump)
    else:
        run_migrations(env)


# --- nginx ---------------------------------------------------------------------------------------

NGINX_SITE = ROOT / "deploy" / "nginx" / "bostonems.conf"
NGINX_MODULES = Path(os.environ.get("NGINX_MODULES", "/usr/lib/nginx/modules"))
# root's PATH has /usr/sbin, other users' may not.
NGINX = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin")
# Debian's packages: nginx itself and the two modules the shipped configuration loads.
NGINX_PACKAGES = {
    "nginx": None,
    "libnginx-mod-http-cache-purge": "ngx_http_cache_purge_module.so",
    "libnginx-mod-http-brotli-filter": "ngx_http_brotli_filter_module.so",
}
DEBIAN_NGINX_CONF = Path("/etc/nginx/nginx.conf")


def nginx_missing():
    """The apt-get line that installs what nginx with the shipped configuration needs, or None
    when everything is there."""
    missing = [
        package
        for package, module in NGINX_PACKAGES.items()
        if (module is None and NGINX is None)
        or (module is not None and not (NGINX_MODULES / module).exists())
    ]
    if missing or not DEBIAN_NGINX_CONF.exists():
        return "apt-get install -y " + " ".join(missing or ["nginx"])
    return None


def _replace(text, old, new):
    """`old` must be in the shipped file: a renamed placeholder must not leave the local copy
    quietly listening on a production address."""
    if old not in text:
        raise ServerError(f"{NGINX_SITE} no longer contains {old!r}: update Nginx.render_site")
    return text.replace(old, new)


class Nginx(_Server):
    """nginx from Debian running the shipped site configuration, with its ports, paths and host
    name replaced: HTTPS on `https_port` (a self-signed certificate made here), the redirect on
    `http_port`, the purge endpoint on `purge_port`, the app nodes at `node_ports`. The main
    configuration is Debian's own /etc/nginx/nginx.conf, with its log, pid and include paths
    moved into `workdir`, so a directive the site file may not repeat fails here as it would on
    the server. A missing nginx or module raises ServerError with the apt-get line."""

    def __init__(self, workdir, node_ports, static_root, media_root):
        if missing := nginx_missing():
            raise ServerError(f"nginx or one of its modules is missing: {missing}")
        self.workdir = Path(workdir)
        self.node_ports = list(node_ports)
        self.static_root = Path(static_root)
        self.media_root = Path(media_root)
        self.https_port, self.http_port, self.purge_port = free_port(), free_port(), free_port()
        self.log_path = self.workdir / "nginx-error.log"
        self.access_log = self.workdir / "nginx-access.log"
        self.cache_dir = self.workdir / "nginx-cache"
        self.conf_path = self.workdir / "nginx.conf"
        self.site_path = self.workdir / "nginx-site.conf"

    @property
    def base_url(self):
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def purge_url(self):
        return f"http://127.0.0.1:{self.purge_port}"

    def render_site(self, text):
        if len(self.node_ports) != 2:
            raise ServerError("the shipped configuration names two app nodes")
        first, second = self.node_ports
        lines = [line for line in text.splitlines() if "listen [::]:" not in line]
        text = "\n".join(lines) + "\n"  # IPv6 loopback may be missing in containers
        for old, new in [
            ("/etc/letsencrypt/live/ems.boston.gov/fullchain.pem", str(self.workdir / "tls.crt")),
            ("/etc/letsencrypt/live/ems.boston.gov/privkey.pem", str(self.workdir / "tls.key")),
            ("/var/www/letsencrypt", str(self.workdir / "acme")),
            ("ems.boston.gov", "127.0.0.1"),
            ("listen 443 ssl", f"listen 127.0.0.1:{self.https_port} ssl"),
            ("listen 80;", f"listen 127.0.0.1:{self.http_port};"),
            ("listen 80 default_server;", f"listen 127.0.0.1:{self.http_port} default_server;"),
            ("listen 10.0.1.10:8081;", f"listen 127.0.0.1:{self.purge_port};"),
            ("server 10.0.1.11:8000", f"server 127.0.0.1:{first}"),
            ("server 10.0.1.12:8000", f"server 127.0.0.1:{second}"),
            ("allow 10.0.1.11;", "allow 127.0.0.1;"),
            ("allow 10.0.1.12;", "allow 127.0.0.1;"),
            ("/var/cache/nginx/bostonems", str(self.cache_dir)),
            ("/srv/bostonems/staticfiles", str(self.static_root)),
            ("/srv/bostonems/media", str(self.media_root)),
        ]:
            text = _replace(text, old, new)
        return text

    def render_main(self, text):
        import getpass

        temp = self.workdir / "nginx-temp"
        temp_paths = "".join(
            f"\t{kind}_temp_path {temp / kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        for old, new in [
            ("user www-data;", f"user {getpass.getuser()};"),
            ("pid /run/nginx.pid;", f"pid {self.workdir / 'nginx.pid'};"),
            ("error_log /var/log/nginx/error.log;", f"error_log {self.log_path};"),
            ("access_log /var/log/nginx/access.log;", f"access_log {self.access_log};"),
            ("include /etc/nginx/conf.d/*.conf;", temp_paths),
            ("include /etc/nginx/sites-enabled/*;", f"include {self.site_path};"),
        ]:
            if old not in text:
                raise ServerError(f"{DEBIAN_NGINX_CONF} has no {old!r}: not Debian's file?")
            text = text.replace(old, new)
        return text

    def write_config(self):
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "nginx-temp").mkdir(exist_ok=True)
        if not (self.workdir / "tls.crt").exists():
            subprocess.run(  # noqa: S603
                [  # noqa: S607
                    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(self.workdir / "tls.key"),
                    "-out", str(self.workdir / "tls.crt"),
                ],
                check=True,
                capture_output=True,
            )  # fmt: skip
        self.site_path.write_text(self.render_site(NGINX_SITE.read_text()))
        self.conf_path.write_text(self.render_main(DEBIAN_NGINX_CONF.read_text()))

    def _command(self, *args):
        return [NGINX, "-e", str(self.log_path), "-c",
                str(self.conf_path), *args]  # fmt: skip

    def test_config(self):
        """`nginx -t`: the output, or ServerError with it."""
        self.write_config()
        result = subprocess.run(self._command("-t"), capture_output=True, text=True)  # noqa: S603
        if result.returncode:
            raise ServerError(f"nginx -t failed:\n{result.stderr}")
        return result.stderr

    def answers(self):
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", self.https_port), 1),
        ):
            return True
        return False

    def start(self):
        self.write_config()
        self.process = subprocess.Popen(  # noqa: S603
            self._command("-g", "daemon off;"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for(self.answers, self.process, "nginx", self.log_path, 10)
        except ServerError:
            self.stop()
            raise

    def stop(self):
        _stop_process(self.process)


# --- Load: wrk, for the bench and the topology tests ----------------------------------------


def wrk(url, connections=16, seconds=10, headers=(), script=None, until=None):
    """wrk against `url`: requests/s, p50/p99 ms, errors (non-2xx/3xx answers and socket
    errors) and the number of requests. With `until` (a callable), the load runs while it
    does, `seconds` at most: wrk stops on SIGINT and reports as at its normal end."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    load = subprocess.Popen([*command, url], stdout=subprocess.PIPE, text=True)  # noqa: S603
    if until is not None:
        try:
            until()
        finally:
            load.send_signal(signal.SIGINT)
    output = load.communicate()[0]
    if load.returncode:
        raise ServerError(f"wrk failed ({load.returncode}):\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def percentile(label):
        value, unit = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(n) for n in match.groups())
    requests_done = int(re.search(r"(\d+) requests in", output).group(1))
    return {
        "rps": rps,
        "p50": percentile("50"),
        "p99": percentile("99"),
        "errors": errors,
        "requests": requests_done,
        "output": output,
    }


def rotating_paths_script(paths, workdir):
    """A wrk script that asks for `paths` in turn (each wrk thread from its own start)."""
    script = Path(workdir) / "rotate.lua"
    quoted = ", ".join(f'"{path}"' for path in paths)
    script.write_text(
        f"local paths = {{{quoted}}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\n'
        "end\n"
    )
    return str(script)


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
        WAGTAILADMIN_BASE_URL="http://127.0.0.1:8000",
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
    )
    env.update(overrides)
    return env


# --- For tests: gunicorn over the test database, Redis skipped where not installed --------------


def database_url(name=None):
    """A URL for the database the tests are using right now (a SQLite file or PostgreSQL), or
    for the PostgreSQL database `name` beside it."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{name or db['NAME']}"


def env_for_test_server(database_url, **overrides):
    """production_env for a server the tests drive. Like the test settings, it re-renders a page
    after every change, however recently it rendered it (PAGE_CACHE_RERENDER_INTERVAL has a
    test of its own): tests check what visitors see right after an edit. A test that measures
    how soon visitors see a change passes production's interval in `overrides`."""
    from django.conf import settings

    overrides.setdefault("PAGE_CACHE_RERENDER_INTERVAL", str(settings.PAGE_CACHE_RERENDER_INTERVAL))
    return production_env(database_url, **overrides)


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


def server_or_skip(server_class, **options):
    """`server_class(**options)`, not started yet; where its program is missing, the test is
    skipped, except in CI, where .ci/run installs every program and a missing one fails."""
    import pytest

    try:
        return server_class(**options)
    except ServerError as error:
        if IN_CI:
            pytest.fail(f"{error}: .ci/run installs it; CI must run this test.")
        pytest.skip(str(error))


@contextlib.contextmanager
def redis_server():
    """A throwaway Redis; yields its CACHE_URL (server_or_skip)."""
    with server_or_skip(Redis) as server:
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
