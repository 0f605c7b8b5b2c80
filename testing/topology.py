"""The production topology on one machine: nginx (the shipped configuration) in front of two
gunicorn nodes with production settings, the newsletter worker, Redis and PostgreSQL 15, each a
plain process on a free loopback port with its files in one temporary folder.

Used by scripts/topology.py (`up`/`down`), the topology tests
(tests/test_topology.py) and `make bench`. The servers themselves come from servers.py; this module
only puts them together, in the order a deployment does (docs/deployment.md): database,
cache, migrate, collectstatic, the error page, the seed content, the nodes, the worker, nginx.
Standard library only, like servers.py.
"""

import contextlib
import http.client
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from testing.servers import (
    ROOT,
    Gunicorn,
    NewsletterWorker,
    Nginx,
    PostgreSQL,
    Redis,
    ServerError,
    migrate,
    nginx_missing,
    production_env,
    start_together,
)

# The client's address as the nodes see it: nginx connects from loopback.
TRUSTED_PROXIES = "127.0.0.1"


def unverified_tls():
    """The local topology's certificate is self-signed, made at start."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class Topology:
    """Everything started by start() (or `with`), stopped by stop() in the reverse order.

    `database_url`: use that database (the tests' own, already migrated) instead of starting
    PostgreSQL, migrating and loading the seed content. `static_root`: collected static files
    to use instead of running collectstatic. `env_overrides`: more environment for the nodes and
    the worker (e.g. EMAIL_URL of a test's mail server)."""

    def __init__(
        self,
        workdir=None,
        database_url=None,
        static_root=None,
        media_root=None,
        workers=2,
        **env_overrides,
    ):
        if missing := nginx_missing():
            raise ServerError(f"nginx or one of its modules is missing. Run: {missing}")
        self.own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="bostonems-topology-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url
        self.static_root = Path(static_root or self.workdir / "static")
        self.media_root = Path(media_root or self.workdir / "media")
        self.workers = workers
        self.env_overrides = env_overrides
        self.postgres = None
        self.redis = None
        self.nodes = []
        self.worker = None
        self.nginx = None
        self.env = None
        self._stack = contextlib.ExitStack()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self):
        return self.nginx.base_url

    def manage(self, *args):
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self):
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self):
        stack = self._stack
        fresh_database = self.database_url is None
        if fresh_database:
            self.postgres = stack.enter_context(PostgreSQL())
            self.database_url = self.postgres.url
        self.redis = stack.enter_context(Redis())
        # Ports first: the nodes are told nginx's address, nginx is told the nodes'.
        self.nodes = [Gunicorn(None, self.workers, log_dir=self.workdir) for _ in range(2)]
        self.nginx = Nginx(
            self.workdir, [node.port for node in self.nodes], self.static_root, self.media_root
        )
        environment = {
            # HTTPS is terminated by nginx, which says so in X-Forwarded-Proto: the production
            # defaults (redirect to HTTPS, secure cookies) stay on.
            "SECURE_SSL_REDIRECT": "True",
            "CACHE_URL": self.redis.url,
            "STATIC_ROOT": str(self.static_root),
            "MEDIA_ROOT": str(self.media_root),
            "SERVE_MEDIA": "False",
            "WAGTAILADMIN_BASE_URL": self.nginx.base_url,
            "FRONT_CACHE_PURGE_URLS": self.nginx.purge_url,
            "TRUSTED_PROXIES": TRUSTED_PROXIES,
            "EMAIL_URL": "consolemail://",
            "LOG_LEVEL": "INFO",
        }
        self.env = production_env(self.database_url, **{**environment, **self.env_overrides})
        if fresh_database:
            migrate(self.postgres, self.env)
        if not self.static_root.exists():
            self.manage("collectstatic", "--noinput", "-v0")
        self.manage("write_error_pages")
        if fresh_database:
            self.manage("load_seed_content")
        for node in self.nodes:
            node.env = self.env
            stack.callback(node.stop)
        start_together(self.nodes)
        self.worker = NewsletterWorker(self.env, self.workdir)
        self.worker.start()
        stack.callback(self.worker.stop)
        self.nginx.start()
        stack.callback(self.nginx.stop)
        self._wait_until_served()

    def _wait_until_served(self, timeout=30):
        """Until nginx passes a request to a node and back: /healthz, never cached."""
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError):
                if self.get("/healthz").status == 200:
                    return
            if time.monotonic() > deadline:
                raise ServerError(f"nginx did not answer /healthz in {timeout} s")
            time.sleep(0.2)

    def get(self, path, headers=None, method="GET", body=None, source_address=None):
        """One request to nginx over HTTPS; the response, its body read (`.body`)."""
        connection = http.client.HTTPSConnection(
            "127.0.0.1",
            self.nginx.https_port,
            timeout=30,
            context=unverified_tls(),
            source_address=(source_address, 0) if source_address else None,
        )
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            response.body = response.read()
            return response
        finally:
            connection.close()

    def stop(self):
        self._stack.close()
        if self.own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
