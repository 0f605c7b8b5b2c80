"""Security headers, the production deploy check and the admin lockout. The headers are checked
on a real gunicorn process running the production settings, as `make serve` would start it."""

import http.client
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from bostonems_site.middleware import permissions_policy_header
from testing.servers import Gunicorn, free_port

VIDEO_HOSTS = "https://www.youtube-nocookie.com https://player.vimeo.com"


def csp_directives(header):
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


def assert_strict_public_policy(header):
    policy = csp_directives(header)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'"] and policy["media-src"] == ["'self'"]
    assert " ".join(policy["frame-src"]) == VIDEO_HOSTS
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]


# --- The test client: every environment runs the same policy ---------------------------------


@pytest.mark.django_db
def test_public_pages_send_the_strict_policy_and_headers(client, seeded_site):
    response = client.get("/")
    assert_strict_public_policy(response["Content-Security-Policy"])
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    # The 404 page gets the same protection.
    assert_strict_public_policy(client.get("/missing/")["Content-Security-Policy"])


@pytest.mark.django_db
def test_admin_and_its_preview_get_the_admin_policy(admin_client, seeded_site):
    from divisions.models import DivisionPage

    response = admin_client.get(reverse("wagtailadmin_home"))
    policy = csp_directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert "https://www.youtube-nocookie.com" in policy["frame-src"]
    division = DivisionPage.objects.get(slug="training")
    preview = admin_client.get(
        reverse("wagtailadmin_pages:preview_on_edit", args=[division.pk]) + "?in_preview_panel=1"
    )
    assert preview.status_code == 200
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert csp_directives(preview["Content-Security-Policy"])["frame-ancestors"] == ["'self'"]


def test_permissions_policy_header_format():
    assert permissions_policy_header({"camera": [], "fullscreen": ["self"]}) == (
        "camera=(), fullscreen=(self)"
    )


# --- Production settings -----------------------------------------------------------------------


def production_env(tmp_path, **overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DJANGO_", "DATABASE_", "SECURE_", "ALLOWED_", "SECRET_", "TRUSTED_")
        )
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bostonems_site.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="ems.example.org,127.0.0.1,localhost",
        TRUSTED_PROXIES="10.0.0.0/8",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        CACHE_URL="locmemcache://",
        PYTHONDONTWRITEBYTECODE="1",
        LOG_LEVEL="WARNING",
    )
    env.update(overrides)
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {},  # behind HTTPS: the production defaults
        {"ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "False"},  # make serve
    ],
    ids=["https", "make-serve"],
)
def test_deploy_check_is_clean_with_production_env(tmp_path, overrides):
    result = manage(
        production_env(tmp_path, **overrides), "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_for_plain_http_on_a_public_host(tmp_path):
    result = manage(
        production_env(tmp_path, SECURE_SSL_REDIRECT="False"),
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


def request(port, path, https=True, method="GET"):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Host": f"127.0.0.1:{port}"}
    if https:
        headers["X-Forwarded-Proto"] = "https"  # as the TLS-terminating proxy sends it
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return response, body


@pytest.fixture(scope="module")
def production_server(tmp_path_factory, collected_static, database_content, django_db_blocker):
    """gunicorn with the production settings (HTTPS redirect on, as deployed) over the test
    database with the seed content committed, and collected static files."""
    from testing.database_content import SEEDED
    from testing.servers import database_url

    tmp_path = tmp_path_factory.mktemp("production")
    with django_db_blocker.unblock():
        database_content.switch_to(SEEDED)
    env = production_env(
        tmp_path,
        DATABASE_URL=database_url(),
        STATIC_ROOT=str(collected_static),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    with Gunicorn(env, workers=1, log_dir=tmp_path) as server:
        yield server.port


def test_gunicorn_sends_the_security_headers(production_server):
    response, body = request(production_server, "/")
    assert response.status == 200
    assert "Boston EMS" in body
    assert_strict_public_policy(response.getheader("Content-Security-Policy"))
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "strict-origin-when-cross-origin"
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Cross-Origin-Opener-Policy") == "same-origin"
    assert "microphone=()" in response.getheader("Permissions-Policy")
    hsts = response.getheader("Strict-Transport-Security")
    assert re.fullmatch(r"max-age=31536000; includeSubDomains; preload", hsts), hsts


def test_gunicorn_redirects_plain_http_to_https_but_not_the_health_check(production_server):
    response, _ = request(production_server, "/divisions/", https=False)
    assert response.status == 301
    assert response.getheader("Location") == f"https://127.0.0.1:{production_server}/divisions/"
    response, body = request(production_server, "/healthz", https=False)
    assert response.status == 200 and '"ok"' in body
    assert "no-store" in response.getheader("Cache-Control")


def test_gunicorn_admin_login_sets_secure_cookies_under_the_admin_policy(production_server):
    response, body = request(production_server, "/admin/login/")
    assert response.status == 200
    cookies = response.msg.get_all("Set-Cookie")
    csrf = next(cookie for cookie in cookies if cookie.startswith("csrftoken="))
    assert "Secure" in csrf and "SameSite=Lax" in csrf
    policy = csp_directives(response.getheader("Content-Security-Policy"))
    assert policy["frame-ancestors"] == ["'self'"]
    assert response.getheader("X-Frame-Options") == "DENY"


def test_gunicorn_serves_the_designed_404_and_hashed_static_files(production_server):
    response, body = request(production_server, "/no-such-page/")
    assert response.status == 404
    assert "Page not found" in body and "Traceback" not in body
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body)
    assert stylesheet, "static files have hashed names in production"
    response, _ = request(production_server, stylesheet[1])
    assert response.status == 200
    assert "immutable" in response.getheader("Cache-Control")
    response, _ = request(production_server, "/favicon.ico")
    assert response.status == 301
    assert re.search(r"/static/img/favicon\.[0-9a-f]{12}\.ico$", response.getheader("Location"))


def test_gunicorn_health_check_is_503_when_the_database_is_unreachable(tmp_path):
    unreachable = f"postgres://nobody@127.0.0.1:{free_port()}/nothing?connect_timeout=2"
    env = production_env(tmp_path, DATABASE_URL=unreachable)
    with Gunicorn(env, workers=1, log_dir=tmp_path) as server:
        response, body = request(server.port, "/healthz", https=False)
    assert response.status == 503
    assert response.getheader("Content-Type") == "application/json"
    assert '"unavailable"' in body
    assert "no-store" in response.getheader("Cache-Control")


# --- Admin lockout (django-axes) ---------------------------------------------------------------


def attempt_login(client, password):
    return client.post(
        reverse("wagtailadmin_login"), {"username": "dispatcher", "password": password}
    )


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_admin_login_locks_out_after_five_failures_and_recovers_after_the_cool_off(
    client, django_user_model
):
    django_user_model.objects.create_user(
        "dispatcher", password="correct horse battery", is_staff=True, is_superuser=True
    )
    for _ in range(4):
        response = attempt_login(client, "wrong password")
        assert response.status_code == 200  # the login form again, with an error
    response = attempt_login(client, "wrong password")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many sign-in attempts" in html
    assert "wait 15 minutes" in html
    # Even the right password is refused during the cool-off.
    response = attempt_login(client, "correct horse battery")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Fifteen minutes later the lockout has expired by itself.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = attempt_login(client, "correct horse battery")
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True)
def test_lockout_is_per_user_name(client, django_user_model):
    django_user_model.objects.create_user(
        "supervisor", password="another long password", is_staff=True, is_superuser=True
    )
    for _ in range(5):
        attempt_login(client, "wrong password")
    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": "supervisor", "password": "another long password"},
    )
    assert response.status_code == 302
