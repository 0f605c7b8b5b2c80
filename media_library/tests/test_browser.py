"""In a real Chromium: the privacy facade, captions on the uploaded video, and accessibility.

No test reaches YouTube or Vimeo: the machine may be offline, and we only need to see that the
browser *tries* the privacy-enhanced player address after the click (the request is aborted)."""

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from testing.helpers import assert_accessible

pytestmark = pytest.mark.browser

UPLOADED = "/videos/schools-honored-for-life-saving-equipment/"
YOUTUBE = "/videos/ribbon-cutting-for-new-ems-station/"
VIMEO = "/videos/cdc-preps-for-h1n1-vaccine/"


def origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def record_requests(page):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    return requests


def block_other_origins(page, own_origin):
    """Abort (never send) requests to other origins; they are still recorded as attempted."""
    page.route(
        lambda url: not url.startswith(own_origin + "/") and not url.startswith("data:"),
        lambda route: route.abort(),
    )


@pytest.mark.parametrize(
    "path, title, provider, player",
    [
        (
            YOUTUBE,
            "Ribbon Cutting for New EMS Station",
            "YouTube",
            "https://www.youtube-nocookie.com/embed/bEMSsample1",
        ),
        (
            VIMEO,
            "CDC Preps for H1N1 Vaccine",
            "Vimeo",
            "https://player.vimeo.com/video/100000001?dnt=1",
        ),
    ],
)
def test_hosted_video_loads_nothing_from_the_provider_until_play(
    live_site, browser_page, path, title, provider, player
):
    page = browser_page
    own = origin(live_site.url)
    requests = record_requests(page)
    block_other_origins(page, own)
    page.goto(live_site.url + path)
    page.wait_for_load_state("networkidle")
    assert requests, "the page made no requests at all?"
    assert [url for url in requests if origin(url) != own] == []
    assert page.locator("iframe").count() == 0

    button = page.get_by_role("button", name=f"Play video: {title}")
    button.click()
    iframe = page.locator(".video-facade iframe")
    iframe.wait_for(state="attached")
    assert iframe.get_attribute("src").startswith(player)
    assert iframe.get_attribute("title") == f"{title} ({provider} video)"
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"
    page.wait_for_timeout(200)
    assert any(url.startswith(player) for url in requests), requests


def test_without_javascript_the_play_link_goes_to_the_hosting_site(live_site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    requests = record_requests(page)
    page.goto(live_site.url + YOUTUBE)
    link = page.get_by_role("link", name="Play video: Ribbon Cutting for New EMS Station")
    assert link.get_attribute("href") == "https://www.youtube.com/watch?v=bEMSsample1"
    assert [url for url in requests if origin(url) != origin(live_site.url)] == []
    context.close()


def serve_media_files(page, live_url):
    """Django's test server does not serve MEDIA_URL (nginx/`make run` do): hand the files over."""
    media_root = Path(settings.MEDIA_ROOT)

    def fulfil(route):
        relative = urlsplit(route.request.url).path.removeprefix(settings.MEDIA_URL)
        path = media_root / relative
        if not path.is_file():
            route.fulfill(status=404)
            return
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        route.fulfill(path=str(path), content_type=content_type)

    page.route(f"{live_url}{settings.MEDIA_URL}**", fulfil)


def test_uploaded_video_plays_with_its_captions(live_site, browser):
    # This test watches playback through page scripts that Playwright evaluates; the strict
    # Content-Security-Policy (tested elsewhere) forbids such evaluation, so lift it here.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    own = origin(live_site.url)
    requests = record_requests(page)
    serve_media_files(page, live_site.url)
    page.goto(live_site.url + UPLOADED)
    video = page.locator("video")
    assert video.get_attribute("preload") == "none"
    track = video.locator("track")
    assert track.get_attribute("kind") == "captions"
    # The default captions track is fetched from our documents library and shown.
    page.wait_for_function("document.querySelector('track').readyState === 2")
    assert page.evaluate("document.querySelector('video').textTracks[0].mode") == "showing"
    cues = page.evaluate(
        "Array.from(document.querySelector('video').textTracks[0].cues, c => c.text)"
    )
    assert cues == ["[Sample video, no sound]\nBoston EMS", "Sample video for the website."]
    # The committed sample file really plays in the browser (muted, so autoplay rules allow it).
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; v.play(); }")
    page.wait_for_function("document.querySelector('video').currentTime > 0.5")
    assert page.evaluate("document.querySelector('video').error") is None
    assert [url for url in requests if origin(url) != own] == []
    context.close()


@pytest.mark.parametrize("path", ["/videos/", UPLOADED, YOUTUBE, "/videos/?division=no-such"])
def test_video_pages_pass_axe_and_reflow(live_site, browser_page, path):
    assert_accessible(browser_page, live_site.url + path)


def test_paginated_gallery_passes_axe(live_site, browser_page):
    from .factories import make_video

    for number in range(13):
        make_video(number)
    assert_accessible(browser_page, live_site.url + "/videos/?page=2")
    nav = browser_page.get_by_role("navigation", name="Video pages")
    assert nav.get_by_role("link", name="Page 2").get_attribute("aria-current") == "page"
