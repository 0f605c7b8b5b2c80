"""What visitors see: the gallery, video pages, the "Video & Multimedia" boxes and the seed."""

import json

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Site

from divisions.models import DivisionPage
from media_library.models import VideoGalleryPage, VideoPage
from media_library.seed import VIDEOS
from testing.helpers import QUERY_BUDGET, count_queries, soup

from .factories import gallery, make_video

pytestmark = pytest.mark.django_db

SEED_TITLES = [title for _, title, *_ in VIDEOS]  # newest first, as the seed lists them
UPLOADED = "/videos/schools-honored-for-life-saving-equipment/"
YOUTUBE = "/videos/ribbon-cutting-for-new-ems-station/"
VIMEO = "/videos/cdc-preps-for-h1n1-vaccine/"


def card_titles(page_soup):
    return [h.get_text(strip=True) for h in page_soup.select(".video-card__title")]


def json_ld(page_soup):
    blocks = [
        json.loads(tag.string) for tag in page_soup.find_all("script", type="application/ld+json")
    ]
    return next(block for block in blocks if block["@type"] == "VideoObject")


def test_the_gallery_lists_the_three_seed_videos_newest_first(client, seeded_site):
    page = soup(client, "/videos/")
    assert page.h1.get_text() == "Video & Multimedia"
    assert card_titles(page) == SEED_TITLES
    for _, _title, summary, *_ in VIDEOS:
        assert summary in page.get_text()
    assert page.find("a", string="Video & Multimedia")  # in the main menu
    assert not page.select("nav.pagination")  # three videos fit on one page


def test_seeding_twice_changes_nothing_and_keeps_editors_changes(client, seeded_site):
    from io import StringIO

    from django.core.management import call_command

    VideoPage.objects.filter(slug="cdc-preps-for-h1n1-vaccine").update(title="Edited title")
    call_command("load_seed_content", stdout=StringIO())
    assert VideoPage.objects.count() == 3
    assert VideoPage.objects.filter(title="Edited title").exists()


def test_the_uploaded_seed_video_plays_with_captions(client, seeded_site):
    page = soup(client, UPLOADED)
    video = page.find("video")
    assert video.has_attr("controls") and video["preload"] == "none"
    assert video["poster"].endswith(".webp")
    source = video.find("source")
    assert source["src"].endswith(".mp4") and source["type"] == "video/mp4"
    track = video.find("track")
    assert track["kind"] == "captions" and track.has_attr("default")
    assert (track["srclang"], track["label"]) == ("en", "English")
    captions = client.get(track["src"])
    assert captions.status_code == 200
    assert b"".join(captions.streaming_content).startswith(b"WEBVTT")
    assert page.select_one(".transcript h2").get_text() == "Transcript"
    assert "Sample content" in page.select_one(".transcript").get_text()


def test_hosted_videos_show_the_facade_not_the_player(client, seeded_site):
    page = soup(client, YOUTUBE)
    assert not page.find("iframe")
    play = page.select_one(".video-facade__play")
    assert play.get_text(strip=True) == "Play video: Ribbon Cutting for New EMS Station"
    assert play["href"] == "https://www.youtube.com/watch?v=bEMSsample1"
    facade = page.select_one("[data-video-facade]")
    assert facade["data-embed-src"].startswith("https://www.youtube-nocookie.com/embed/bEMSsample1")
    # The button names the video: the thumbnail is decorative, not read out a second time.
    assert page.select_one(".video-facade__thumbnail")["alt"] == ""
    # The way to the video on its site stays under the player once Play has loaded it.
    host_link = page.select_one(".video-player__notice a")
    assert host_link["href"] == play["href"]
    assert host_link.get_text(strip=True) == "Ribbon Cutting for New EMS Station (YouTube video)"
    # Nothing on the page comes from another origin before the visitor presses play.
    for element in page.find_all(src=True):
        assert element["src"].startswith("/"), element
    # Stylesheets and icons come from us (the canonical link names our own address).
    for link in page.find_all("link", href=True):
        if "canonical" not in link.get("rel", []):
            assert link["href"].startswith("/"), link
    assert page.find("script", src="/static/js/video-facade.js")
    vimeo = soup(client, VIMEO).select_one("[data-video-facade]")
    assert vimeo["data-embed-src"].startswith("https://player.vimeo.com/video/100000001?dnt=1")


@pytest.mark.parametrize("url", [UPLOADED, YOUTUBE, VIMEO])
def test_video_pages_describe_themselves_as_a_video_object(client, seeded_site, url):
    data = json_ld(soup(client, url))
    assert data["@type"] == "VideoObject"
    for key in ("name", "description", "thumbnailUrl", "uploadDate", "duration"):
        assert data[key], key
    # The site's own address (Settings → Sites), whatever Host header the visitor sent.
    root_url = Site.objects.get(is_default_site=True).root_url
    assert data["thumbnailUrl"][0].startswith(root_url + "/")
    assert data["uploadDate"][:4] in ("2009", "2010")
    assert data["duration"] in ("PT8S", "PT2M10S", "PT1M45S")
    if url == UPLOADED:
        assert data["contentUrl"].startswith(root_url + "/") and "embedUrl" not in data
    else:
        assert data["embedUrl"].startswith("https://") and "contentUrl" not in data


def test_json_ld_cannot_break_out_of_its_script_element(client, seeded_site):
    make_video(1, title="</script><script>alert(1)</script>", summary="A & B <b>")
    response = client.get("/videos/video-1/")
    html = response.content.decode()
    assert "</script><script>alert(1)" not in html
    data = json_ld(BeautifulSoup(html, "html.parser"))
    assert data["name"] == "</script><script>alert(1)</script>"
    assert data["description"] == "A & B <b>"


def latest_box(client, url):
    box = soup(client, url).select_one(".video-box")
    items = [
        (
            item.select_one(".video-box__title").get_text(strip=True),
            item.select_one(".video-box__summary").get_text(strip=True),
            item.select_one(".video-box__link").get_text(strip=True),
        )
        for item in box.select(".video-box__item")
    ]
    return box.select_one(".video-box__heading").get_text(strip=True), items


@pytest.mark.parametrize("url", ["/", "/divisions/"])
def test_home_and_division_index_show_the_three_latest_videos(client, seeded_site, url):
    heading, items = latest_box(client, url)
    assert heading == "Video & Multimedia"
    assert items == [(title, summary, f"Watch video: {title}") for _, title, summary, *_ in VIDEOS]
    # Each with its still, which the title and the link name (alt="").
    stills = [item.find("img") for item in soup(client, url).select(".video-box__item")]
    assert all(still and still["alt"] == "" for still in stills), stills
    assert all(still["src"].startswith("/media/images/") for still in stills), stills
    newest = make_video(9999, title="Brand New Video")
    heading, items = latest_box(client, url)
    assert [title for title, _, _ in items] == [newest.title] + SEED_TITLES[:2]


def test_unpublished_videos_are_not_listed(admin_client, client, seeded_site):
    from django.urls import reverse

    page = VideoPage.objects.get(slug="cdc-preps-for-h1n1-vaccine")
    assert admin_client.post(reverse("wagtailadmin_pages:unpublish", args=[page.id])).status_code
    assert "CDC Preps for H1N1 Vaccine" not in card_titles(soup(client, "/videos/"))
    assert "CDC Preps" not in client.get("/").content.decode()
    assert client.get(VIMEO).status_code == 404


def test_a_division_page_shows_its_related_videos(client, seeded_site):
    page = soup(client, "/divisions/office-of-the-medical-director/")
    section = page.select_one(".video-box")
    titles = [t.get_text(strip=True) for t in section.select(".video-box__title")]
    assert titles == ["Schools Honored for Life Saving Equipment", "CDC Preps for H1N1 Vaccine"]
    more = section.select_one(".video-box__more a")
    assert more["href"] == "/videos/?division=office-of-the-medical-director"
    assert card_titles(soup(client, more["href"])) == titles
    assert not soup(client, "/divisions/dispatch-operations/").select(".video-box")


def test_a_video_page_links_its_divisions(client, seeded_site):
    page = soup(client, YOUTUBE)
    links = [a.get_text() for a in page.select(".video__divisions a")]
    assert links == ["Field Operations", "Fleet Services"]


def test_gallery_filters_by_division(client, seeded_site):
    page = soup(client, "/videos/?division=field-operations")
    assert card_titles(page) == ["Ribbon Cutting for New EMS Station"]
    select = page.find("select", attrs={"name": "division"})
    assert page.find("label", attrs={"for": select["id"]}).get_text() == "Division"
    assert select.find("option", selected=True)["value"] == "field-operations"


NO_VIDEOS = "There are no videos for that division, so all videos are shown."


@pytest.mark.parametrize(
    "query, message",
    [
        ("division=no-such-division", NO_VIDEOS),
        ("division=dispatch-operations", NO_VIDEOS),  # a division without videos
        ("division=1", NO_VIDEOS),
        ("division=a&division=b", NO_VIDEOS),
        ("division=%00", NO_VIDEOS),
    ],
)
def test_unknown_division_filters_show_all_videos_with_a_message(
    client, seeded_site, query, message
):
    page = soup(client, f"/videos/?{query}")
    assert card_titles(page) == SEED_TITLES
    assert page.select_one("#division-error").get_text() == message
    select = page.find("select", attrs={"name": "division"})
    assert select["aria-describedby"] == "division-error"
    assert select["aria-invalid"] == "true"


def test_unknown_parameters_are_ignored(client, seeded_site):
    assert card_titles(soup(client, "/videos/?topic=x&sort=<script>")) == SEED_TITLES


@pytest.fixture
def thirty_videos(seeded_site):
    return [make_video(number) for number in range(27)]


def pagination(page_soup):
    nav = page_soup.select_one("nav.pagination")
    return {
        "label": nav["aria-label"],
        "current": nav.select_one('[aria-current="page"]').get_text(" ", strip=True),
        "prev": (nav.select_one('a[rel="prev"]') or {}).get("href"),
        "next": (nav.select_one('a[rel="next"]') or {}).get("href"),
    }


def test_the_gallery_shows_twelve_videos_a_page(client, thirty_videos):
    first = soup(client, "/videos/")
    assert len(card_titles(first)) == 12
    assert card_titles(first)[0] == "Video 26"  # newest first
    assert pagination(first) == {
        "label": "Video pages",
        "current": "Page 1",
        "prev": None,
        "next": "?page=2",
    }
    third = soup(client, "/videos/?page=3")
    assert card_titles(third)[-3:] == SEED_TITLES
    assert len(card_titles(third)) == 30 - 24
    assert pagination(third)["prev"] == "?page=2" and pagination(third)["next"] is None
    assert "Page 3 of 3" in third.get_text()
    # Screen readers name the step links in full ("Previous page"), in the page's language.
    assert third.select_one('a[rel="prev"]')["aria-label"] == "Previous page"


def test_pagination_links_keep_the_filter(client, seeded_site):
    field = DivisionPage.objects.get(slug="field-operations")
    for number in range(27):
        make_video(number, related_divisions=[field])
    page = soup(client, "/videos/?division=field-operations")
    assert pagination(page)["next"] == "?division=field-operations&page=2"
    last = soup(client, "/videos/?division=field-operations&page=3")
    assert len(card_titles(last)) == 28 - 24  # 27 new videos and the seed's ribbon cutting
    assert pagination(last)["prev"] == "?division=field-operations&page=2"


ODD_PAGE_NUMBERS = [
    ("abc", 1),
    ("0", 1),
    ("-1", 1),
    ("1.5", 1),
    ("", 1),
    ("99999", 3),
    ("9" * 40, 3),
    ("2&page=3", 3),
]


def test_odd_page_numbers_give_a_normal_page(client, thirty_videos):
    for query, shown_page in ODD_PAGE_NUMBERS:
        # Sent to the page shown, as its links spell it (no cache entry per spelling).
        response = client.get(f"/videos/?page={query}", follow=True)
        assert response.redirect_chain == [(f"/videos/?page={shown_page}", 302)], query
        assert response.status_code == 200, query
        page = BeautifulSoup(response.content, "html.parser")
        assert pagination(page)["current"] == f"Page {shown_page}", query


# Budget per page (the same whatever the number of videos): QUERY_BUDGET.
QUERY_COUNT_URLS = [
    "/videos/",
    "/videos/?page=3",
    "/videos/?division=field-operations",
    YOUTUBE,
    UPLOADED,
    "/",
    "/divisions/",
    "/divisions/field-operations/",
]


def test_query_counts_are_the_same_with_3_and_30_videos(client, seeded_site):
    def counts():
        for url in QUERY_COUNT_URLS:
            count_queries(client, url)  # warm renditions (made once per image) and caches
        return {url: count_queries(client, url) for url in QUERY_COUNT_URLS}

    with_three = counts()
    field = DivisionPage.objects.get(slug="field-operations")
    for number in range(27):
        make_video(number, related_divisions=[field])
    assert VideoPage.objects.live().count() == 30
    assert counts() == with_three
    assert max(with_three.values()) <= QUERY_BUDGET, with_three


def test_gallery_meta_description_comes_from_the_intro_or_promote_tab(seeded_site):
    page = VideoGalleryPage.objects.get()
    assert page.meta_description == "Videos from Boston EMS, with captions and transcripts."
    page.search_description = ""
    assert page.meta_description.startswith("Videos from Boston EMS: our crews")
    assert gallery() == page
