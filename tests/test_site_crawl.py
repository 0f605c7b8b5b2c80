"""The site-wide accessibility suite: a real Chromium crawls every URL in sitemap.xml, the search
results, the 404 page and the error state of every form it finds, in every language the site
has content in (English, the Spanish translations, a right-to-left Arabic page), at 1280 and
320 px, against axe's WCAG 2.2 AA rules (helpers.AXE_TAGS). New page types and forms are
covered as soon as they are in the sitemap."""

from urllib.parse import urlsplit
from urllib.request import urlopen
from xml.etree import ElementTree

import pytest
from wagtail.models import Site

from testing.helpers import (
    CSP_VIOLATION_WATCH,
    FOCUSABLE,
    axe_violations,
    load_every_language,
    page_checks,
    point_site_at,
    show_linked_alert,
    show_logo_and_social_links,
    states_beyond_the_sitemap,
)

pytestmark = pytest.mark.browser
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


class Watcher:
    """Collects what a visitor's browser would complain about: console errors, script errors
    and any request that leaves the site's origin."""

    def __init__(self, page, origin):
        self.origin = origin
        self.console_errors, self.foreign_requests = [], []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(("pageerror", str(error))))
        page.on("request", self._request)

    def _console(self, message):
        if message.type == "error":
            self.console_errors.append((message.location.get("url", ""), message.text))

    def _request(self, request):
        if urlsplit(request.url).scheme in ("data", "blob", "about"):
            return
        if not request.url.startswith(self.origin + "/"):
            self.foreign_requests.append(request.url)

    def take(self, document_url, status):
        errors = [
            (where, text)
            for where, text in self.console_errors
            # The browser logs a 4xx document itself as a failed load; that one is expected.
            if not (status >= 400 and where == document_url and "status of" in text)
        ]
        foreign = self.foreign_requests
        self.console_errors, self.foreign_requests = [], []
        return errors, foreign


def check_page(page, watcher, url, status):
    """Everything the issue asks of every public page, on the page currently loaded."""
    width = page.viewport_size["width"]
    assert axe_violations(page) == [], f"axe on {url} at {width}px"
    facts = page_checks(page)
    assert facts["h1Count"] == 1, url
    assert facts["mainCount"] == 1, url
    assert facts["firstFocusable"] == "#main-content", f"skip link is not first on {url}"
    assert not facts["horizontalOverflow"], f"{url} scrolls sideways at {width}px"
    errors, foreign = watcher.take(page.url, status)
    assert errors == [], f"console errors on {url}: {errors}"
    assert foreign == [], f"{url} loaded from another origin: {foreign}"


def sitemap_urls(live_url):
    with urlopen(f"{live_url}/sitemap.xml") as response:  # noqa: S310 (our live server)
        tree = ElementTree.fromstring(response.read())  # noqa: S314 (our own sitemap)
    return [loc.text for loc in tree.findall("s:url/s:loc", SITEMAP_NS)]


FORM_KEY = """form => [form.getAttribute('action') || location.pathname,
    (form.getAttribute('method') || 'get').toLowerCase(),
    Array.from(form.elements).map(e => e.name).filter(Boolean).sort().join(',')].join(' ')"""

SUBMIT_INVALID = """form => {
    // Bypass the browser's own checks so the server's error state is what we see.
    form.noValidate = true;
    for (const field of form.elements) {
        if (['hidden', 'submit', 'button'].includes(field.type)) continue;
        if (['checkbox', 'radio'].includes(field.type)) { field.checked = false; continue; }
        if (field.tagName === 'SELECT') { field.selectedIndex = -1; continue; }
        field.value = field.type === 'email' ? 'not-an-email' : '';
    }
    const submit = form.querySelector('[type="submit"], button:not([type])');
    submit ? submit.click() : form.requestSubmit();
}"""


def test_every_public_page_and_form_state_is_accessible(live_site, browser_page):
    page = browser_page
    load_every_language()
    point_site_at(live_site.url)
    show_linked_alert("urgent")
    show_logo_and_social_links()
    watcher = Watcher(page, live_site.url)
    urls = sitemap_urls(live_site.url)
    assert urls and all(url.startswith(live_site.url + "/") for url in urls)
    assert any("/es/" in url for url in urls) and any("/ar/" in url for url in urls)
    targets = [(url, 200) for url in urls] + [
        (live_site.url + path, status) for path, status in states_beyond_the_sitemap()
    ]
    forms = {}
    for url, status in targets:
        response = page.goto(url)
        assert response.status == status, url
        check_page(page, watcher, url, status)
        for index, form in enumerate(page.query_selector_all("form")):
            forms.setdefault(form.evaluate(FORM_KEY), (url, index))
    assert any(key.startswith("/search/ get") for key in forms), forms

    for key, (url, index) in forms.items():
        page.goto(url)
        watcher.take(page.url, 200)
        with page.expect_navigation() as navigation:
            page.query_selector_all("form")[index].evaluate(SUBMIT_INVALID)
        response = navigation.value
        assert response.status < 500, f"form {key} on {url} answered {response.status}"
        check_page(page, watcher, f"{key} submitted empty on {url}", response.status)


def test_keyboard_reaches_every_control_in_order_with_visible_focus(live_site, browser_page):
    page = browser_page
    show_linked_alert("info")
    page.goto(live_site.url + "/")
    assert axe_violations(page) == []  # the information alert's colours too
    expected = page.evaluate(
        """selector => Array.from(document.querySelectorAll(selector))
            // Shown: not hidden, nor inside a closed <details> (the phone header's menu).
            .filter(el => el.checkVisibility({visibilityProperty: true}))
            .map((el, i) => { el.dataset.keyboardOrder = i;
                const s = getComputedStyle(el);
                return {label: el.outerHTML.slice(0, 80),
                        style: [s.outlineStyle, s.outlineWidth, s.outlineColor,
                                s.boxShadow, s.backgroundColor].join('|')}; })""",
        FOCUSABLE,
    )
    assert len(expected) > 15  # skip link, alert, header, menu, search, cards, footer
    assert "Read the city advisory" in expected[1]["label"]
    for order, element in enumerate(expected):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const el = document.activeElement, s = getComputedStyle(el),
                           r = el.getBoundingClientRect();
                return {order: el.dataset.keyboardOrder,
                        style: [s.outlineStyle, s.outlineWidth, s.outlineColor,
                                s.boxShadow, s.backgroundColor].join('|'),
                        visible: r.width > 0 && r.height > 0 && r.bottom > 0
                                 && r.top < innerHeight}; }"""
        )
        assert focused["order"] == str(order), f"Tab {order + 1} skipped {element['label']}"
        assert focused["style"] != element["style"], f"no visible focus on {element['label']}"
        assert focused["visible"], f"focused but off screen: {element['label']}"


@pytest.fixture
def editor_page(live_site, browser, django_user_model):
    """Chromium signed in to the Wagtail admin through its login form."""
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a long password 1")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(CSP_VIOLATION_WATCH)
    page = context.new_page()
    page.goto(live_site.url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a long password 1")
    page.click("button[type=submit]")
    page.wait_for_url(live_site.url + "/admin/")
    yield page
    context.close()


def test_admin_editor_and_preview_load_with_no_csp_violation(live_site, editor_page):
    from divisions.models import DivisionPage

    page = editor_page
    watcher = Watcher(page, live_site.url)
    division = DivisionPage.objects.get(slug="field-operations")
    site = Site.objects.get(is_default_site=True)
    admin_pages = [
        f"/admin/pages/{division.pk}/edit/",
        f"/admin/settings/bostonems_site/sitesettings/{site.pk}/",
        "/admin/snippets/site_alerts/sitealert/add/",
        "/admin/snippets/bostonems_site/sitetext/",
        "/admin/redirects/add/",
    ]
    for path in admin_pages:
        response = page.goto(live_site.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__cspViolations") == [], path
        errors, foreign = watcher.take(page.url, 200)
        assert errors == [] and foreign == [], (path, errors, foreign)

    page.goto(live_site.url + admin_pages[0])
    page.click("[data-side-panel-toggle='preview']")
    preview = page.frame_locator("iframe[id^='w-preview-iframe'], .preview-panel iframe")
    preview.locator("h1").wait_for()
    assert preview.locator("h1").inner_text() == "Field Operations"
    for frame in page.frames:
        assert frame.evaluate("window.__cspViolations") == [], frame.url
    errors, foreign = watcher.take(page.url, 200)
    assert not [e for e in errors if "Content Security Policy" in e[1]], errors

    # The editor's userbar on the public site works under the strict public policy.
    page.goto(live_site.url + division.url)
    page.wait_for_load_state("networkidle")
    assert page.locator("wagtail-userbar").count() == 1
    assert page.evaluate("window.__cspViolations") == []
