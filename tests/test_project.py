import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from wagtail.models import Page

from bostonems_site.templatetags.site_tags import tel_href
from divisions.models import DivisionPage


def test_system_check_is_clean():
    out = StringIO()
    call_command("check", fail_level="WARNING", stdout=out)
    assert "no issues" in out.getvalue()


@pytest.mark.django_db
def test_models_and_migrations_agree():
    # Exits non-zero (SystemExit) when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


@pytest.mark.django_db
def test_seed_twice_leaves_the_same_pages():
    call_command("load_seed_content", stdout=StringIO())
    first = sorted(Page.objects.values_list("url_path", flat=True))
    call_command("load_seed_content", stdout=StringIO())
    assert sorted(Page.objects.values_list("url_path", flat=True)) == first
    # Eight divisions in English and their eight sample Spanish translations.
    assert DivisionPage.objects.live().filter(locale__language_code="en").count() == 8
    assert DivisionPage.objects.live().filter(locale__language_code="es").count() == 8


@pytest.mark.django_db
def test_seed_keeps_what_an_editor_changed(seeded_site):
    division = DivisionPage.objects.get(slug="fleet-services")
    division.summary = "Edited by communications staff."
    division.save_revision().publish()
    call_command("load_seed_content", stdout=StringIO())
    division.refresh_from_db()
    assert division.summary == "Edited by communications staff."


def _production_env(**overrides):
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_REQUIRED}
    env.update(DJANGO_SETTINGS_MODULE="bostonems_site.settings.production", **overrides)
    return env


PRODUCTION_REQUIRED = {
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "example.org",
    "WAGTAILADMIN_BASE_URL": "https://example.org",
    # Whether a load balancer is in front decides whose address limits and lockouts count.
    "TRUSTED_PROXIES": "none",
}


@pytest.mark.parametrize("missing", list(PRODUCTION_REQUIRED))
def test_production_settings_refuse_to_start_without_secrets_or_the_site_address(missing):
    overrides = {name: value for name, value in PRODUCTION_REQUIRED.items() if name != missing}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=_production_env(**overrides),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert f"{missing} must be set in the environment" in result.stderr


@pytest.mark.parametrize("address", ["www.boston.gov", "ftp://boston.gov", "https://"])
def test_production_settings_refuse_a_site_address_links_cannot_start_with(address):
    overrides = {**PRODUCTION_REQUIRED, "WAGTAILADMIN_BASE_URL": address}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=_production_env(**overrides),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "WAGTAILADMIN_BASE_URL must be the site's public address" in result.stderr


def test_production_reads_the_earlier_secret_keys_from_the_environment():
    code = "from django.conf import settings; print(settings.SECRET_KEY_FALLBACKS)"
    assert _production_shell(code) == "[]"
    assert _production_shell(code, SECRET_KEY_FALLBACKS="old-1,old-2") == "['old-1', 'old-2']"


def test_production_email_links_start_with_the_configured_address():
    code = (
        "from newsletter.emails import site_url; from django.conf import settings; "
        "print(site_url('/newsletter/'), settings.WAGTAILADMIN_BASE_URL)"
    )
    assert _production_shell(code, WAGTAILADMIN_BASE_URL="https://ems.example.org/") == (
        "https://ems.example.org/newsletter/ https://ems.example.org"
    )


@pytest.mark.parametrize(
    "number, href",
    [("617-343-2367", "6173432367"), ("+1 (617) 343-2367", "+16173432367"), ("", "")],
)
def test_phone_numbers_become_tel_links(number, href):
    assert tel_href(number) == href


@pytest.mark.django_db
def test_footer_shows_site_settings_and_emergency_line(client, seeded_site):
    from bostonems_site.models import SiteSettings

    site_settings = SiteSettings.for_site(seeded_site.get_site())
    site_settings.main_phone = "617-555-0100"
    site_settings.save()
    html = client.get("/").content.decode()
    assert '<a href="tel:911">In an emergency, call <span class="nowrap">9-1-1</span></a>' in html
    assert 'href="tel:6175550100"' in html


def _production_shell(code, **env):
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=settings.BASE_DIR,
        env=_production_env(**{**PRODUCTION_REQUIRED, **env}),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_media_switch_to_object_storage_by_environment():
    code = (
        "from django.core.files.storage import storages; print(type(storages['default']).__name__)"
    )
    assert _production_shell(code) == "FileSystemStorage"
    assert _production_shell(code, AWS_STORAGE_BUCKET_NAME="bostonems-media") == "S3Storage"


def test_cdn_purge_is_enabled_by_environment():
    code = "from django.conf import settings; print(getattr(settings, 'WAGTAILFRONTENDCACHE', {}))"
    assert _production_shell(code) == "{}"
    configured = _production_shell(code, FRONTEND_CACHE_PURGE_URL="http://cdn.internal/purge")
    assert "HTTPBackend" in configured and "http://cdn.internal/purge" in configured
