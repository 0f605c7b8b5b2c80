"""Real server processes for tests: gunicorn with production settings, and Redis.

They share the test database (PostgreSQL in CI, a SQLite file otherwise) with the test process.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

IN_CI = os.environ.get("CI", "").lower() == "true"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    """A URL for the database the tests are using right now."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """collectstatic once per session, as a deployment does before starting gunicorn."""
    static_root = tmp_path_factory.mktemp("staticfiles")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=production_env(STATIC_ROOT=str(static_root)),
        check=True,
    )
    return static_root


def production_env(**overrides):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bostonems_site.settings.production",
        SECRET_KEY="test-" + "k" * 60,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="False",
        DATABASE_URL=database_url(),
    )
    env.update(overrides)
    return env


def wait_until_up(base_url, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            urllib.request.urlopen(base_url + "/", timeout=2)  # noqa: S310 (our loopback server)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{base_url} did not come up in {timeout}s")


@contextlib.contextmanager
def gunicorn(static_root, workers=2, **env_overrides):
    """Run gunicorn with production settings on a free loopback port; yields its base URL."""
    port = free_port()
    env = production_env(STATIC_ROOT=str(static_root), **env_overrides)
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bostonems_site.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base_url, process)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextlib.contextmanager
def redis_server():
    """A throwaway redis-server on a free loopback port; yields its CACHE_URL."""
    executable = shutil.which("redis-server")
    if executable is None:
        if IN_CI:
            pytest.fail("redis-server not found: .ci/run installs it; CI must run this test.")
        pytest.skip("redis-server not installed (apt-get install redis-server)")
    port = free_port()
    with tempfile.TemporaryDirectory() as workdir:
        process = subprocess.Popen(  # noqa: S603
            [
                executable,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                workdir,
            ],
            stdout=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                    break
                time.sleep(0.1)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=10)
