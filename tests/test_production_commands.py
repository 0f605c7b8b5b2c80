"""Production commands run production settings when run the way docs/operations.md says: from the
deployment's folder, with its environment file and nothing else (what cron and the systemd units
give them). Scheduled go-live and expiry then purge the cache the web servers read, so visitors
get the new page, or none, at once; with development settings they purged a per-process cache
and visitors kept the old page for an hour.

A gunicorn node and the commands share one deployment: the environment file a real one has
(servers.production_env's configuration, written to a file that ENV_FILE points at, standing in
for `.env` beside manage.py), its database and its file cache folder. The commands' process
environment holds no settings module and no configuration."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import requests
from django.conf import settings
from django.utils import timezone

from news.models import NewsPage
from newsletter import services
from testing.servers import ROOT, Gunicorn, database_url, env_for_test_server


def write_env_file(tmp_path, database, static_root=None):
    """The deployment's environment file; returns it and the environment gunicorn gets."""
    server_env = env_for_test_server(
        database,
        STATIC_ROOT=str(static_root or tmp_path / "static"),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        CACHE_URL=f"filecache://{tmp_path / 'cache'}",
        EMAIL_URL=f"filemail:///{tmp_path / 'mail'}",  # an absolute path takes one more slash
    )
    configuration = {
        key: value
        for key, value in server_env.items()
        if os.environ.get(key) != value and key != "DJANGO_SETTINGS_MODULE"
    }
    env_file = tmp_path / ".env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in configuration.items()))
    return env_file, server_env


def as_documented(env_file):
    """The environment of a cron job or systemd unit in the deployment's folder: the file, no
    settings module (nor the test run's other DJANGO_ variables), none of the configuration."""
    configuration = {line.split("=", 1)[0] for line in env_file.read_text().splitlines()}
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in configuration
    }
    env["ENV_FILE"] = str(env_file)
    return env


def manage(env_file, *args):
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=as_documented(env_file),
        capture_output=True,
        text=True,
        timeout=120,
    )


def visit(url, status=200):
    response = requests.get(url, timeout=10)
    assert response.status_code == status, url
    return response


def test_scheduled_go_live_and_expiry_reach_visitors_at_once(
    tmp_path, committed_site, collected_static
):
    env_file, server_env = write_env_file(tmp_path, database_url(), collected_static)
    with Gunicorn(server_env, workers=1, log_dir=tmp_path) as node:
        publish_scheduled_as_documented(env_file, node.base_url)


def publish_scheduled_as_documented(env_file, node):
    item = NewsPage.objects.live().order_by("pk").first()
    url = node + item.url
    old_title = item.title
    # An editor scheduled a new version of the item for a moment that has now passed.
    item.title = "Ambulance staffing update, as scheduled"
    item.save_revision(approved_go_live_at=timezone.now() - timedelta(minutes=1))
    for _ in range(2):
        response = visit(url)
    assert response.headers["X-Cache"] == "HIT" and old_title in response.text

    result = manage(env_file, "publish_scheduled")
    assert result.returncode == 0, result.stderr

    response = visit(url)
    assert "Ambulance staffing update, as scheduled" in response.text
    assert response.headers["X-Cache"] == "MISS"

    # Then the item's expiry date passes: it is taken down for every visitor.
    NewsPage.objects.filter(pk=item.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    assert visit(url).headers["X-Cache"] == "HIT"
    result = manage(env_file, "publish_scheduled")
    assert result.returncode == 0, result.stderr
    visit(url, status=404)


def test_the_newsletter_worker_runs_production_settings(tmp_path, committed_site):
    env_file, _ = write_env_file(tmp_path, database_url())
    mail = tmp_path / "mail"
    services.request_subscription(
        services.SignupRequest(email="resident@example.org", interests=[], source="/")
    )
    # The systemd unit's command.
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "run_newsletter_worker"],
        cwd=ROOT,
        env=as_documented(env_file),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not (mail.is_dir() and any(mail.iterdir())) and time.monotonic() < deadline:
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=30)[0]
    assert worker.returncode == 0, output
    assert "Newsletter worker started with bostonems_site.settings.production" in output
    (message,) = [path.read_text() for path in mail.iterdir()]
    assert "To: resident@example.org" in message


def test_the_deploy_check_runs_production_settings(tmp_path):
    env_file, _ = write_env_file(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = manage(env_file, "check", "--deploy", "--fail-level", "WARNING")
    # Development settings fail it (DEBUG on: security.W018).
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_keeps_development_settings(tmp_path):
    """A checkout without an environment file runs development settings; `make run` names them,
    so a SECRET_KEY exported for `make serve` in the same shell does not change that."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(ENV_FILE=str(tmp_path / "no-such-file"), SECRET_KEY="")
    code = "from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG)"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["bostonems_site.settings.dev", "True"], result.stderr
    # What `make run` hands its first manage.py command (which here prints it and stops).
    env["SECRET_KEY"] = "exported-for-make-serve"
    result = subprocess.run(
        [
            "make",
            "-s",
            "-o",
            ".venv/.installed",
            "run",
            "MANAGE=printenv DJANGO_SETTINGS_MODULE;false",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["bostonems_site.settings.dev"], result.stderr
