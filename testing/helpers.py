"""Small helpers for tests: build and publish page trees, set up the site states the site-wide
suites cover (every language, alerts, logo), run axe in a real browser."""

from io import StringIO
from unittest import mock
from urllib.parse import urlsplit
from xml.etree import ElementTree

from django.core.management import call_command
from django.db import OperationalError, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from bostonems_site.seed import add_child, ensure_home

# SQL queries any public page may run on a page-cache miss, in any language, whatever the amount
# of content: routing (site, locale, page, its ancestors, view restrictions), site settings, the
# site-wide text, the alerts, the menu, breadcrumbs, translations for the language switcher,
# then the page's own content. A translation whose parents wagtail-localize created as aliases
# costs one lookup per alias ancestor (bounded by the tree's depth). Cache hits run none.
QUERY_BUDGET = 21

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 320, "height": 640}}
# A browser context's init script: every frame keeps the Content-Security-Policy violations it
# reports in window.__cspViolations (read with frame.evaluate("window.__cspViolations")).
CSP_VIOLATION_WATCH = """window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', event =>
    window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));"""


def empty_caches():
    """Empty every Django cache (pages, rate-limit counters) and this process's copies of
    cached pages."""
    from django.core.cache import caches

    from page_cache.middleware import local_entries

    for cache in caches.all():
        cache.clear()
    local_entries.clear()


def home_page():
    return ensure_home()


def publish(parent, page):
    """Add `page` under `parent` and publish it, as an editor pressing Publish would."""
    return add_child(parent, page)


def untranslate(*models):
    """Removes the seed's sample Spanish translations of these pages, so that their sections
    have no Spanish translation, as any section before a translator gets to it."""
    for model in models:
        model.objects.filter(locale__language_code="es").delete()


def soup(client, url, status=200):
    """The parsed HTML of `url`, which must answer `status` (None: any status)."""
    from bs4 import BeautifulSoup

    response = client.get(url)
    assert status is None or response.status_code == status, url
    return BeautifulSoup(response.content, "html.parser")


def count_queries(client, url, status=200):
    """SQL queries for rendering `url` on a page-cache miss (the cache is bypassed) right after
    a content change: no page chrome kept from earlier renders (page_cache/fragments.py), the
    most a miss costs; `status` None accepts any response (e.g. a 404 page)."""
    from page_cache.content_generation import bump_generation

    bump_generation()
    with override_settings(PAGE_CACHE_ENABLED=False), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert status is None or response.status_code == status, url
    return len(queries)


def show_site_alert(**fields):
    """Create or change the (English) site alert, switched on unless `fields` say otherwise,
    as an editor saving it in the admin would."""
    from wagtail.models import Locale

    from site_alerts.models import SiteAlert

    locale = Locale.get_default()
    alert = SiteAlert.objects.filter(locale=locale).first() or SiteAlert(locale=locale)
    values = {"enabled": True, "title": "Snow emergency", "message": "Expect delays.", **fields}
    for name, value in values.items():
        setattr(alert, name, value)
    alert.full_clean()
    alert.save()
    return alert


def show_linked_alert(level):
    """An active site alert with a link, so its colours and region are checked everywhere."""
    show_site_alert(
        level=level,
        title="Snow emergency in effect",
        message="Call 9-1-1 only for emergencies.",
        link_url="https://www.boston.gov/",
        link_text="Read the city advisory",
    )


def show_logo_and_social_links():
    from wagtail.models import Site

    from bostonems_site.models import SiteSettings
    from bostonems_site.seed import sample_image

    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.logo = sample_image("Logo", "Boston EMS logo", size=(256, 256))
    site_settings.social_links = [("link", {"name": "Facebook", "url": "https://facebook.com/x"})]
    site_settings.save()


def translated_division(language_code, title, slug="training"):
    """The division translated into `language_code` (a real translation, same translation key)
    and published with its parents: the sample translations are not in `seeded_site` or
    `live_site`."""
    from wagtail.models import Locale

    from divisions.models import DivisionPage

    english = DivisionPage.objects.get(slug=slug, locale__language_code="en")
    translation = english.copy_for_translation(
        Locale.objects.get(language_code=language_code), copy_parents=True
    )
    for ancestor in translation.get_ancestors().filter(depth__gt=1).specific():
        if not ancestor.live:
            ancestor.save_revision().publish()
    translation.title = title
    translation.save_revision().publish()
    return translation


def arabic_division(slug="training"):
    """The division translated into Arabic (right to left) and published, with its parents."""
    return translated_division("ar", "قسم التدريب", slug)


def load_every_language():
    """The seed content with its Spanish translations and an Arabic (right-to-left) page: each
    language and writing direction the site has content in, for the suites that cover them all."""
    call_command("load_seed_content", stdout=StringIO())
    arabic_division()


def states_beyond_the_sitemap():
    """(path, status) of the pages the sitemap can't list, in every language with a live home
    page: search results, a search that finds nothing, and the 404 page."""
    from wagtail.models import Page

    codes = Page.objects.live().filter(depth=2).values_list("locale__language_code", flat=True)
    prefixes = sorted("" if code == "en" else f"/{code}" for code in set(codes))
    return [
        (path, status)
        for prefix in prefixes
        for path, status in (
            (f"{prefix}/search/?q=division", 200),
            (f"{prefix}/search/?q=nothing-matches-this", 200),
            (f"{prefix}/this-page-does-not-exist/", 404),
        )
    ]


ADMIN_PASSWORD = "a long password 1"


def signed_in_admin_tab(browser, live_url, django_user_model, username, group_name):
    """A desktop Chromium tab signed in through the admin's login form as a new user who is
    only in `group_name` (a role as roles.py and the newsletter define them). Close its
    `.context` when done."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username, f"{username}@example.org", ADMIN_PASSWORD
    )
    user.groups.add(Group.objects.get(name=group_name))
    page = browser.new_context(viewport=VIEWPORTS["desktop"]).new_page()
    page.goto(live_url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_url + "/admin/")
    return page


def axe_violations(page):
    """Run axe-core (vendored in axe-playwright-python) on the loaded page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [
        f"{v['id']}: {v['help']} -> {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
    ]


def page_checks(page):
    """Facts the accessibility suite asserts on every page."""
    return page.evaluate(
        """() => {
            const focusable = document.querySelector(
                'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])');
            return {
                h1Count: document.querySelectorAll('h1').length,
                firstFocusable: focusable ? focusable.getAttribute('href') : null,
                horizontalOverflow:
                    document.documentElement.scrollWidth > document.documentElement.clientWidth,
                mainCount: document.querySelectorAll('main').length,
            };
        }"""
    )


def assert_accessible(page, url):
    """Load `url` in the browser tab and assert what every public page must satisfy."""
    response = page.goto(url)
    assert response.status == 200, url
    violations = axe_violations(page)
    assert violations == [], f"axe on {url} at {page.viewport_size['width']}px: {violations}"
    facts = page_checks(page)
    assert facts["h1Count"] == 1, url
    assert facts["mainCount"] == 1, url
    assert facts["firstFocusable"] == "#main-content", url
    assert not facts["horizontalOverflow"], f"{url} scrolls sideways at {page.viewport_size}"
    # The skip link is also the first thing the keyboard reaches, and it moves focus to <main>.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')"), url
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content", url


def database_down():
    """Every query fails, as when the database server is unreachable."""
    return mock.patch.object(
        connections["default"], "cursor", side_effect=OperationalError("server closed")
    )


def sitemap_locations(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    tree = ElementTree.fromstring(response.content)  # noqa: S314 (our own sitemap)
    return [loc.text for loc in tree.findall("s:url/s:loc", SITEMAP_NS)]


def migrate(targets):
    """Migrate the test database to `targets` ([(app, migration name)]); the apps registry of
    that state, whose historical models fit the schema then."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest(app_label):
    """Back to the schema of today's models, as the next tests need it."""
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes(app_label))


# Everything the Tab key should reach (the crawl and the focus test tab through these);
# tabindex="-1" takes an element out (e.g. the newsletter form's honeypot field, which people
# must never land on). A <summary> is the button of a <details> (the header's Menu button on
# phones).
FOCUSABLE = ", ".join(
    f'{element}:not([tabindex="-1"])'
    for element in (
        "a[href]",
        "button:not([disabled])",
        'input:not([disabled]):not([type="hidden"])',
        "select:not([disabled])",
        "textarea:not([disabled])",
        "[tabindex]",
        "summary",
    )
)


def point_site_at(live_url):
    from wagtail.models import Site

    """Absolute URLs (sitemap, canonical) use the Wagtail site's address: the live server's."""
    parts = urlsplit(live_url)
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = parts.hostname, parts.port
    site.save()
