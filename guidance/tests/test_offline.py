"""Offline reading: after one visit, the text-only site and the life-saving guidance open
without a network, in the visitor's language; online, every page is the current one."""

import time

import pytest
from django.test import override_settings

from guidance.models import GuidancePage
from testing.helpers import VIEWPORTS

pytestmark = pytest.mark.django_db
STORE_READY = """async (expected) => {
    const names = await caches.keys();
    const stored = new Set();
    for (const name of names) {
        for (const request of await (await caches.open(name)).keys()) {
            stored.add(new URL(request.url).pathname);
        }
    }
    return {ready: expected.every((path) => stored.has(path)), stored: [...stored]};
}"""


def test_the_service_worker_is_served_at_the_root_never_cached_with_its_version(
    client, seeded_site
):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    assert "X-Cache" not in response or response["X-Cache"] != "HIT"
    assert client.get("/sw.js").get("X-Cache") != "HIT"
    body = response.content.decode()
    assert 'addEventListener("fetch"' in body
    assert "worker-src 'self'" in client.get("/")["Content-Security-Policy"]
    with override_settings(SERVICE_WORKER_ENABLED=False):
        switched_off = client.get("/sw.js").content.decode()
    assert 'addEventListener("fetch"' not in switched_off
    assert "unregister()" in switched_off
    assert switched_off.split("version ")[1][:12] != body.split("version ")[1][:12]


def test_the_offline_list_names_only_public_life_saving_pages_in_the_language(
    client, translated_site
):
    urls = client.get("/es/lite/offline.json").json()["urls"]
    assert urls[:2] == ["/es/lite/", "/es/offline/"]
    assert "/guidance/hands-only-cpr/" in urls  # not translated yet: the English page
    private = GuidancePage.objects.get(slug="what-to-tell-the-dispatcher")
    private.unpublish()
    assert (
        "/guidance/what-to-tell-the-dispatcher/"
        not in client.get("/lite/offline.json").json()["urls"]
    )


def wait_for_stored(page, paths, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        state = page.evaluate(STORE_READY, paths)
        if state["ready"]:
            return state["stored"]
        assert time.monotonic() < deadline, f"not stored: {paths} (stored: {state['stored']})"
        page.wait_for_timeout(100)


@pytest.mark.browser
def test_after_one_visit_the_life_saving_pages_open_offline_and_online_is_always_fresh(
    live_site, browser
):
    guidance = {page.slug: page.url for page in GuidancePage.objects.live()}
    expected = ["/lite/", "/offline/", "/guidance/", *guidance.values()]
    context = browser.new_context(viewport=VIEWPORTS["mobile"])
    page = context.new_page()
    page.goto(live_site.url + "/sign-up/")  # any page; a form page must not be stored itself
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    stored = wait_for_stored(page, [*expected, "/lite/offline.json"])
    # Only the listed pages, and the list (stored last: it says which to forget later).
    assert set(stored) == {*expected, "/lite/offline.json"}

    context.set_offline(True)
    for path in ["/lite/", *guidance.values()]:
        response = page.goto(live_site.url + path)
        assert response.ok and response.from_service_worker, path
        assert page.locator("h1").count() == 1, path
    assert "Push hard and fast" in page.goto(live_site.url + guidance["hands-only-cpr"]).text()
    page.goto(live_site.url + "/news/")  # never stored: the offline page points to the others
    assert page.locator("h1").inner_text() == "You are offline"
    assert page.locator('a[href="/lite/"]').count() == 1

    # Online again: an edit and a take-down are what visitors see, never the stored copies.
    context.set_offline(False)
    cpr = GuidancePage.objects.get(slug="hands-only-cpr")
    cpr.title = "Hands-only CPR: revised steps"
    cpr.save_revision().publish()
    GuidancePage.objects.get(slug="what-to-tell-the-dispatcher").unpublish()
    page.goto(live_site.url + guidance["hands-only-cpr"])
    assert page.locator("h1").inner_text() == "Hands-only CPR: revised steps"
    taken_down = page.goto(live_site.url + guidance["what-to-tell-the-dispatcher"])
    assert taken_down.status == 404
    context.close()
