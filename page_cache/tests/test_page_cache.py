import contextlib
import gzip
import time

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.cache import cache, caches
from django.db import OperationalError, transaction
from django.test import Client, RequestFactory, override_settings
from django.urls import path, reverse
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction
from wagtail.test.utils.form_data import querydict_from_html

from bostonems_site.models import SiteSettings
from bostonems_site.settings.base import shared_caches
from divisions.models import DivisionPage
from news.models import NewsPage
from page_cache import purge
from page_cache.content_generation import CHANGED_KEY_PREFIX, EVERYTHING, bump_generation
from page_cache.middleware import (
    LOCK_KEY_PREFIX,
    RENDER_SLOT_KEY,
    LocalEntries,
    PageCacheMiddleware,
    _entry_key,
)
from page_cache.tests.faults import shared_cache_down
from testing.helpers import database_down
from testing.servers import free_port, gunicorn, redis_server

pytestmark = pytest.mark.django_db


def test_second_anonymous_request_is_a_hit_with_no_sql(
    client, seeded_site, django_assert_num_queries
):
    first = client.get("/divisions/")
    assert first["X-Cache"] == "MISS"
    with django_assert_num_queries(0):
        second = client.get("/divisions/")
    assert second["X-Cache"] == "HIT"
    assert second.content == first.content
    assert "s-maxage=60" in second["Cache-Control"] and "public" in second["Cache-Control"]


def test_hits_are_served_gzipped_to_clients_that_accept_it(client, seeded_site):
    plain = client.get("/").content
    zipped = client.get("/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content) == plain


def test_head_requests_use_the_cache_without_a_body(client, seeded_site):
    client.get("/")
    response = client.head("/")
    assert response["X-Cache"] == "HIT"
    assert response.content == b""


def test_logged_in_editors_are_never_served_or_stored(admin_client, client, seeded_site):
    client.get("/")  # stored for anonymous visitors
    editor_view = admin_client.get("/")
    assert "X-Cache" not in editor_view
    assert admin_client.get("/").get("X-Cache") is None


def test_a_page_rendered_for_a_signed_in_user_is_never_stored():
    """A session cookie already bypasses the cache (above); behind it, a response rendered for
    a user signed in some other way during the request (no cookie came with it) is not stored:
    the next visitor must not get that user's page."""
    from django.http import HttpResponse

    editor = get_user_model()(username="editor")  # any User instance is authenticated

    def signs_in(request):
        request.user = editor
        return HttpResponse("Hello, editor")

    assert "X-Cache" not in _run_middleware(signs_in, as_request=True)
    visitor = _run_middleware(lambda: HttpResponse("Hello, visitor"))
    assert visitor.content == b"Hello, visitor"


def test_editor_pages_are_not_stored_for_visitors(admin_client, client, seeded_site):
    admin_client.get("/divisions/")
    assert client.get("/divisions/")["X-Cache"] == "MISS"


def test_posts_are_never_cached(client, seeded_site):
    client.get("/")
    response = client.post("/")
    assert "X-Cache" not in response


def test_requests_with_pending_messages_bypass_the_cache(client, seeded_site):
    client.get("/")
    client.cookies["messages"] = "pending"
    assert "X-Cache" not in client.get("/")


def _run_middleware(response_factory, path="/some-page/", as_request=False):
    """The page cache around a view `response_factory()` (given the request: `as_request`)."""
    request = RequestFactory().get(path)
    view = response_factory if as_request else (lambda req: response_factory())
    return PageCacheMiddleware(view)(request)


def test_responses_that_set_cookies_are_not_stored():
    from django.http import HttpResponse

    def response_with_cookie():
        response = HttpResponse("personal")
        response.set_cookie("csrftoken", "abc")
        return response

    assert "X-Cache" not in _run_middleware(response_with_cookie)
    assert "X-Cache" not in _run_middleware(response_with_cookie)  # still not a hit


@pytest.mark.parametrize("cache_control", ["private", "no-cache", "no-store, max-age=0"])
def test_responses_marked_private_or_uncacheable_are_not_stored(cache_control):
    from django.http import HttpResponse

    def response_factory():
        response = HttpResponse("x")
        response["Cache-Control"] = cache_control
        return response

    _run_middleware(response_factory)
    assert "X-Cache" not in _run_middleware(response_factory)


def test_publishing_shows_at_once(client, seeded_site):
    assert "Fleet Services" in client.get("/divisions/").content.decode()
    division = DivisionPage.objects.get(slug="fleet-services")
    division.title = "Fleet and Vehicle Services"
    division.save_revision().publish()
    response = client.get("/divisions/")
    assert response["X-Cache"] == "MISS"
    assert "Fleet and Vehicle Services" in response.content.decode()


def test_unpublishing_and_deleting_show_at_once(client, seeded_site):
    client.get("/divisions/fleet-services/")
    client.get("/divisions/")
    DivisionPage.objects.get(slug="fleet-services").unpublish()
    assert client.get("/divisions/fleet-services/").status_code == 404
    assert "Fleet Services" not in client.get("/divisions/").content.decode()
    DivisionPage.objects.get(slug="training").delete()
    assert "Training Division" not in client.get("/divisions/").content.decode()


def test_settings_change_shows_at_once(client, seeded_site):
    client.get("/")
    site_settings = SiteSettings.for_site(seeded_site.get_site())
    site_settings.main_phone = "617-555-0142"
    site_settings.save()
    assert "617-555-0142" in client.get("/").content.decode()


def test_a_page_made_private_is_no_longer_served_from_the_cache(client, seeded_site):
    division = DivisionPage.objects.get(slug="fleet-services")
    client.get(division.url)
    assert client.get(division.url)["X-Cache"] == "HIT"
    PageViewRestriction.objects.create(page=division, restriction_type="login")
    response = client.get(division.url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_publishing_shows_at_once_after_the_purge_hooks_are_connected_again(client, seeded_site):
    """Django runs an app's ready() again when the app registry is reloaded (some management
    commands and tests do): connecting the hooks again must work and keep one purge per change."""
    purge.connect()
    client.get("/divisions/")
    _rename_fleet_services("Fleet and Vehicle Services")
    response = client.get("/divisions/")
    assert response["X-Cache"] == "MISS"
    assert "Fleet and Vehicle Services" in response.content.decode()


def test_a_site_alert_switched_on_shows_at_once_on_stored_pages(client, seeded_site):
    from testing.helpers import show_site_alert

    client.get("/")
    show_site_alert(message="Park off main arteries.")  # a snippet, saved in the admin
    response = client.get("/")
    assert response["X-Cache"] == "MISS"
    assert "Park off main arteries." in response.content.decode()


def test_settings_first_read_with_their_defaults_leave_stored_pages_current(client, seeded_site):
    """A settings row is created with its defaults the first time a page reads it (on a new
    site): nothing visitors see changed, so the page just stored stays a hit."""
    SiteSettings.objects.all().delete()
    client.get("/")  # renders with the default settings, creating their row
    assert SiteSettings.objects.exists()
    assert client.get("/")["X-Cache"] == "HIT"


def test_saving_a_draft_leaves_stored_pages_current(client, seeded_site):
    client.get("/divisions/")
    division = DivisionPage.objects.get(slug="fleet-services")
    division.title = "Fleet draft"
    division.save_revision()  # what the editor's autosave and "Save draft" do
    response = client.get("/divisions/")
    assert response["X-Cache"] == "HIT"
    assert "Fleet draft" not in response.content.decode()


def test_preview_of_a_draft_never_reaches_visitors(admin_client, client, seeded_site):
    division = DivisionPage.objects.get(slug="fleet-services")
    client.get(division.url)
    division.title = "Draft title nobody should see"
    division.save_revision()  # a draft, not published
    preview = admin_client.get(reverse("wagtailadmin_pages:preview_on_edit", args=[division.id]))
    assert preview.status_code == 200
    assert "Draft title nobody should see" not in client.get(division.url).content.decode()


def _fetch(url):
    response = requests.get(url, timeout=10)
    assert response.status_code == 200
    return response


def test_changes_reach_every_gunicorn_worker(committed_site, collected_static, tmp_path):
    cache_url = f"filecache://{tmp_path / 'cache'}"
    cache_settings = shared_caches(cache_url)
    with (
        gunicorn(collected_static, workers=2, CACHE_URL=cache_url) as base,
        override_settings(CACHES=cache_settings),
    ):
        states = {_fetch(base + "/divisions/").headers["X-Cache"] for _ in range(8)}
        assert "HIT" in states

        division = DivisionPage.objects.get(slug="fleet-services")
        division.title = "Fleet and Vehicle Services"
        division.save_revision().publish()
        for _ in range(8):
            assert "Fleet and Vehicle Services" in _fetch(base + "/divisions/").text

        division.unpublish()
        for _ in range(8):
            assert "Fleet and Vehicle Services" not in _fetch(base + "/divisions/").text

        site_settings = SiteSettings.for_site(committed_site.get_site())
        site_settings.main_phone = "617-555-0142"
        site_settings.save()
        for _ in range(8):
            assert "617-555-0142" in _fetch(base + "/").text


def _admin_session(base, username, password):
    session = requests.Session()
    login_url = base + "/admin/login/"
    form = querydict_from_html(session.get(login_url).text, form_index=0, exclude_csrf=False)
    form.update({"username": username, "password": password})
    response = session.post(login_url, data=form, headers={"Referer": login_url})
    assert response.ok and "/admin/login/" not in response.url, "login failed"
    return session


def test_publishing_on_one_node_shows_on_the_other(committed_site, collected_static):
    password = "correct-horse-battery-staple"
    # Hashed the way production settings verify it (tests use a fast hasher of their own).
    editor = get_user_model().objects.create_superuser("editor", "editor@example.org")
    editor.password = PBKDF2PasswordHasher().encode(password, PBKDF2PasswordHasher().salt())
    editor.save()
    with (
        redis_server() as cache_url,
        gunicorn(collected_static, workers=1, CACHE_URL=cache_url) as node_a,
        gunicorn(collected_static, workers=1, CACHE_URL=cache_url) as node_b,
    ):
        for node in (node_a, node_b, node_b):
            _fetch(node + "/")
        assert _fetch(node_b + "/").headers["X-Cache"] == "HIT"

        editor = _admin_session(node_a, "editor", password)
        edit_url = f"{node_a}/admin/pages/{committed_site.id}/edit/"
        form = querydict_from_html(
            editor.get(edit_url).text, form_id="page-edit-form", exclude_csrf=False
        )
        # The home page's heading is its headline.
        form.update({"headline": "Boston Emergency Medical Services", "action-publish": "1"})
        response = editor.post(edit_url, data=form, headers={"Referer": edit_url})
        assert response.ok

        on_b = _fetch(node_b + "/")
        assert on_b.headers["X-Cache"] == "MISS"
        assert ">Boston Emergency Medical Services</h1>" in on_b.text


def test_an_emptied_shared_cache_never_revives_old_local_copies(client, seeded_site):
    client.get("/divisions/")
    assert client.get("/divisions/")["X-Cache"] == "HIT"
    for alias in ("default", "purges"):
        caches[alias].clear()  # e.g. Redis restarted: the generation starts afresh
    division = DivisionPage.objects.get(slug="fleet-services")
    DivisionPage.objects.filter(pk=division.pk).update(title="Changed behind the cache's back")
    response = client.get("/divisions/")
    assert response["X-Cache"] == "MISS"
    assert "Changed behind the cache&#x27;s back" in response.content.decode()


def test_a_scheduled_alert_appears_and_ends_on_cached_pages(client, seeded_site, time_machine):
    """Time is moved, not waited for: with real seconds a slow render (a busy machine) could
    reach the alert's start before the second request."""
    import datetime

    from django.utils import timezone

    from testing.helpers import show_site_alert

    time_machine.move_to(timezone.now(), tick=False)
    show_site_alert(
        message="Park off main arteries.",
        starts_at=timezone.now() + datetime.timedelta(seconds=2),
        ends_at=timezone.now() + datetime.timedelta(seconds=4),
    )

    assert "Snow emergency" not in client.get("/").content.decode()
    assert client.get("/")["X-Cache"] == "HIT"
    time_machine.shift(datetime.timedelta(seconds=2))  # the start passes, nobody saves anything
    started = client.get("/")
    assert started["X-Cache"] == "MISS" and "Snow emergency" in started.content.decode()
    time_machine.shift(datetime.timedelta(seconds=2))  # and the end
    assert "Snow emergency" not in client.get("/").content.decode()


def _lock_key(path):
    return LOCK_KEY_PREFIX + _entry_key(RequestFactory().get(path))


def _rename_fleet_services(title):
    division = DivisionPage.objects.get(slug="fleet-services")
    division.title = title
    division.save_revision().publish()


def test_after_a_publish_others_get_the_previous_copy_while_one_request_renders(
    client, seeded_site
):
    client.get("/divisions/")
    _rename_fleet_services("Fleet and Vehicle Services")
    cache.add(_lock_key("/divisions/"), 1)  # another worker is rendering the new copy
    meanwhile = client.get("/divisions/")
    assert meanwhile["X-Cache"] == "STALE"
    assert "Fleet Services" in meanwhile.content.decode()
    cache.delete(_lock_key("/divisions/"))  # it finished (or its lock expired)
    fresh = client.get("/divisions/")
    assert fresh["X-Cache"] == "MISS"
    assert "Fleet and Vehicle Services" in fresh.content.decode()


def test_after_a_publish_each_node_re_renders_one_stale_page_at_a_time(client, seeded_site):
    client.get("/divisions/")
    _rename_fleet_services("Fleet and Vehicle Services")
    cache.add(RENDER_SLOT_KEY, 1)  # another worker of this node is rendering another page
    assert client.get("/divisions/")["X-Cache"] == "STALE"
    cache.delete(RENDER_SLOT_KEY)  # it finished
    assert client.get("/divisions/")["X-Cache"] == "MISS"


def test_a_stored_page_is_served_while_the_database_is_down(client, seeded_site):
    first = client.get("/divisions/")
    bump_generation()  # e.g. a publish just before the database went away
    with database_down():
        response = Client(raise_request_exception=False).get("/divisions/")
    assert response.status_code == 200
    assert response["X-Cache"] == "STALE"
    assert response.content == first.content


def test_a_page_taken_down_is_never_served_stale_while_another_request_renders(client, seeded_site):
    division = DivisionPage.objects.get(slug="fleet-services")
    client.get(division.url)
    division.unpublish()
    cache.add(_lock_key(division.url), 1)  # another worker is rendering it
    assert client.get(division.url).status_code == 404
    cache.delete(_lock_key(division.url))
    assert client.get(division.url).status_code == 404


def test_a_restriction_on_a_section_takes_down_the_pages_under_it(client, seeded_site):
    division = DivisionPage.objects.get(slug="fleet-services")
    assert client.get(division.url).status_code == 200
    PageViewRestriction.objects.create(page=division.get_parent(), restriction_type="login")
    cache.add(_lock_key(division.url), 1)  # another worker is rendering it
    response = client.get(division.url)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_page_edited_and_published_is_served_stale_while_another_request_renders(
    client, seeded_site
):
    """An ordinary edit is no take-down: during a surge the page's previous copy is served
    while one request renders the new one, not re-rendered by every request at once."""
    division = DivisionPage.objects.get(slug="fleet-services")
    client.get(division.url)
    _rename_fleet_services("Fleet and Vehicle Services")
    cache.add(_lock_key(division.url), 1)  # another worker is rendering it
    meanwhile = client.get(division.url)
    assert meanwhile["X-Cache"] == "STALE"
    assert "Fleet Services" in meanwhile.content.decode()


def test_a_page_moved_is_never_served_from_its_copy_at_either_address(client, seeded_site):
    """A move is a take-down (docs/deployment.md), to another section or within its own:
    nothing stored before it is served again, not even while another request renders."""
    fleet = DivisionPage.objects.get(slug="fleet-services")
    training = DivisionPage.objects.get(slug="training")
    old_address = fleet.url
    for page in (fleet, training):
        assert client.get(page.url)["X-Cache"] == "MISS"
    training.move(training.get_parent().get_first_child(), pos="left")  # reordered
    fleet.refresh_from_db()  # its place in the tree changed with the reorder
    fleet.move(training, pos="last-child")  # and into another page
    for address in (old_address, training.url):
        cache.add(_lock_key(address), 1)  # another worker is rendering it
    moved_away = client.get(old_address)
    assert moved_away.status_code == 301  # Wagtail's redirect to the new address
    assert moved_away["Location"] == DivisionPage.objects.get(slug="fleet-services").url
    assert client.get(training.url)["X-Cache"] == "MISS"


def test_a_collection_made_private_re_renders_the_stored_pages(client, seeded_site):
    """Documents of a private collection need a login from then on: pages linking them are
    rendered again (and the editor's change is saved, though no page is restricted)."""
    client.get("/divisions/")
    assert client.get("/divisions/")["X-Cache"] == "HIT"
    staff_only = Collection.get_first_root_node().add_child(name="Staff only")
    CollectionViewRestriction.objects.create(collection=staff_only, restriction_type="login")
    assert client.get("/divisions/")["X-Cache"] == "MISS"


def test_a_page_taken_down_answers_503_not_its_copy_while_the_database_is_down(client, seeded_site):
    division = DivisionPage.objects.get(slug="fleet-services")
    assert client.get(division.url).status_code == 200
    division.unpublish()
    with database_down():
        response = Client(raise_request_exception=False).get(division.url)
    assert response.status_code == 503
    assert "Fleet Services" not in response.content.decode()


def test_a_page_never_stored_answers_503_while_the_database_is_down(seeded_site):
    with database_down():
        response = Client(raise_request_exception=False).get("/divisions/training/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "This page is not available right now" in response.content.decode()


@pytest.mark.parametrize(
    "first, second",
    [
        ("/robots.txt?cb=1", "/robots.txt?cb=2"),
        ("/divisions/", "/divisions/?utm_source=newsletter&fbclid=abc"),
    ],
)
def test_query_parameters_no_page_reads_share_one_entry(client, seeded_site, first, second):
    client.get(first)
    assert client.get(second)["X-Cache"] == "HIT"


def test_query_parameters_a_page_reads_get_their_own_entry(client, seeded_site):
    client.get("/videos/")
    assert client.get("/videos/?division=fleet-services")["X-Cache"] == "MISS"
    assert client.get("/videos/?cb=9&division=fleet-services")["X-Cache"] == "HIT"


def test_search_results_are_never_served_from_the_empty_search_page(client, seeded_site):
    client.get("/search/")
    results = client.get("/search/?q=ambulance")
    assert results.get("X-Cache") != "HIT"
    assert 'value="ambulance"' in results.content.decode()
    assert client.get("/search/?q=ambulance").get("X-Cache") != "HIT"  # nor stored


def test_a_page_stale_for_half_the_bound_renders_without_waiting_for_the_node(
    client, seeded_site, monkeypatch
):
    client.get("/divisions/")
    _rename_fleet_services("Fleet and Vehicle Services")
    cache.add(RENDER_SLOT_KEY, 1)  # this node's workers are busy re-rendering other pages
    assert client.get("/divisions/")["X-Cache"] == "STALE"
    purged_at = time.time()
    monkeypatch.setattr(time, "time", lambda: purged_at + 5.1)
    fresh = client.get("/divisions/")
    assert fresh["X-Cache"] == "MISS"
    assert "Fleet and Vehicle Services" in fresh.content.decode()


@override_settings(PAGE_CACHE_RERENDER_INTERVAL=4)
def test_publishes_in_a_row_re_render_a_page_at_most_every_few_seconds(
    client, seeded_site, monkeypatch
):
    client.get("/divisions/")
    rendered_at = time.time()
    _rename_fleet_services("Fleet and Vehicle Services")
    soon_after = client.get("/divisions/")
    assert soon_after["X-Cache"] == "STALE"
    assert "Fleet Services" in soon_after.content.decode()
    monkeypatch.setattr(time, "time", lambda: rendered_at + 4.1)
    later = client.get("/divisions/")
    assert later["X-Cache"] == "MISS"
    assert "Fleet and Vehicle Services" in later.content.decode()


@override_settings(PAGE_CACHE_RERENDER_INTERVAL=4)
def test_the_first_publish_after_a_quiet_spell_shows_at_once(client, seeded_site, monkeypatch):
    client.get("/divisions/")
    quiet_until = time.time() + 60
    monkeypatch.setattr(time, "time", lambda: quiet_until)
    _rename_fleet_services("Fleet and Vehicle Services")
    assert "Fleet and Vehicle Services" in client.get("/divisions/").content.decode()


class Rollback(Exception):
    pass


def test_a_change_purges_when_it_commits_and_a_rollback_never(committed_site):
    client = Client()
    client.get("/divisions/")
    with transaction.atomic():
        _rename_fleet_services("Fleet and Vehicle Services")
        # Until the commit visitors can only see the old content: no reason to re-render.
        assert client.get("/divisions/")["X-Cache"] == "HIT"
    after_commit = client.get("/divisions/")
    assert after_commit["X-Cache"] == "MISS"
    assert "Fleet and Vehicle Services" in after_commit.content.decode()

    with contextlib.suppress(Rollback), transaction.atomic():
        _rename_fleet_services("Fleet Maintenance")
        raise Rollback
    after_rollback = client.get("/divisions/")
    assert after_rollback["X-Cache"] == "HIT"
    assert "Fleet and Vehicle Services" in after_rollback.content.decode()


def test_take_downs_committed_with_other_changes_are_never_served_stale(committed_site):
    """An editor's action is one transaction, often of several saves (the admin's unpublish,
    a publish then an unpublish): each take-down in it counts once it commits, whichever save
    made it."""
    client = Client()
    fleet = DivisionPage.objects.get(slug="fleet-services")
    training = DivisionPage.objects.get(slug="training")
    for page in (fleet, training):
        client.get(page.url)
    field_operations = DivisionPage.objects.get(slug="field-operations")
    with transaction.atomic():
        fleet.unpublish()
        _retitle(field_operations, "Field Operations and Dispatch")
    with transaction.atomic():
        _retitle(field_operations, "Field Operations")
        training.unpublish()
    for page in (fleet, training):
        cache.add(_lock_key(page.url), 1)  # another worker is rendering it
        assert client.get(page.url).status_code == 404, page.url


def _retitle(page, title):
    page.title = title
    page.save_revision().publish()


def _last_changes():
    labels = [EVERYTHING, NewsPage._meta.label, DivisionPage._meta.label]
    found = caches["purges"].get_many([CHANGED_KEY_PREFIX + label for label in labels])
    return {label: found.get(CHANGED_KEY_PREFIX + label) for label in labels}


def test_a_commit_records_whether_it_changed_only_pages_and_of_which_models(committed_site):
    news_item = NewsPage.objects.live().filter(locale__language_code="en").first()
    bump_generation()
    bump_generation({DivisionPage._meta.label})
    before = _last_changes()
    assert before[EVERYTHING] and before[DivisionPage._meta.label]
    with transaction.atomic():
        news_item.title = "Storm shelters open"
        news_item.save_revision().publish()
    pages_only = _last_changes()
    assert pages_only[NewsPage._meta.label] != before[NewsPage._meta.label]
    assert pages_only[EVERYTHING] == before[EVERYTHING]
    assert pages_only[DivisionPage._meta.label] == before[DivisionPage._meta.label]

    with transaction.atomic():
        news_item.title = "Storm shelters are open"
        news_item.save_revision().publish()
        SiteSettings.objects.update_or_create(site=committed_site.get_site())[0].save()
    assert _last_changes()[EVERYTHING] != pages_only[EVERYTHING]  # the settings may show anywhere


def test_pages_are_served_while_the_shared_cache_is_down(client, seeded_site, caplog):
    with shared_cache_down():
        first = client.get("/divisions/")
        assert first.status_code == 200 and first["X-Cache"] == "MISS"
        assert client.get("/divisions/")["X-Cache"] == "HIT"  # from this worker's memory
        assert client.get("/").status_code == 200
    outage_logs = [r.args[0] for r in caplog.records if "unavailable" in r.getMessage()]
    assert sorted(outage_logs) == ["default", "purges"]  # once per cache, not per request


def test_edits_made_while_the_shared_cache_was_down_show_once_it_is_back(client, seeded_site):
    client.get("/divisions/")
    with shared_cache_down():
        _rename_fleet_services("Fleet and Vehicle Services")
    response = client.get("/divisions/")
    assert "Fleet and Vehicle Services" in response.content.decode()


def test_a_node_whose_redis_is_gone_keeps_serving(committed_site, collected_static):
    nobody_listens = f"redis://127.0.0.1:{free_port()}/0"
    with gunicorn(collected_static, workers=1, CACHE_URL=nobody_listens) as base:
        for path in ("/", "/divisions/", "/robots.txt", "/"):
            assert requests.get(base + path, timeout=10).status_code == 200
        health = requests.get(base + "/healthz", timeout=10)
        assert health.status_code == 200
        assert health.json()["cache"] == "unavailable"


# --- Exactly at the limits ----------------------------------------------------------------------
# Time stands still (tick=False) on whole seconds from START, so each test stands on a limit
# itself, not a rounding error beside it. The views are plain responses: what matters is whether
# the page cache renders, serves or refuses, not what a page shows.

START = 1_893_456_000  # 2030-01-01, a whole second


def _page(text="Old page"):
    from django.http import HttpResponse

    return lambda: HttpResponse(text)


def test_a_stored_page_is_fresh_until_its_timeout_then_waits_5_seconds_at_most_for_the_node(
    settings, time_machine
):
    time_machine.move_to(START, tick=False)
    _run_middleware(_page())
    time_machine.shift(settings.PAGE_CACHE_TIMEOUT - 1)
    assert _run_middleware(_page())["X-Cache"] == "HIT"
    cache.add(RENDER_SLOT_KEY, 1)  # this node renders other pages, for as long as it takes
    time_machine.shift(1)
    assert _run_middleware(_page())["X-Cache"] == "STALE"  # no longer fresh: waits for the node
    time_machine.shift(4)
    assert _run_middleware(_page())["X-Cache"] == "STALE"
    time_machine.shift(1)  # stale for half of PAGE_CACHE_REVALIDATE_SECONDS: renders anyway
    assert _run_middleware(_page("New page")).content == b"New page"


def test_a_page_with_an_end_time_is_stale_from_that_second(time_machine):
    """A page showing an alert that ends (expire_cached_page_at) is fresh until the end, not
    for the whole PAGE_CACHE_TIMEOUT, and its staleness counts from the end."""
    from django.http import HttpResponse

    def alert_ending_in_10_seconds(request):
        request.page_cache_expires = START + 10
        return HttpResponse("Snow emergency")

    time_machine.move_to(START, tick=False)
    _run_middleware(alert_ending_in_10_seconds, as_request=True)
    time_machine.shift(9)
    assert _run_middleware(_page())["X-Cache"] == "HIT"
    cache.add(RENDER_SLOT_KEY, 1)  # this node renders other pages
    time_machine.shift(1)
    assert _run_middleware(_page())["X-Cache"] == "STALE"
    time_machine.shift(4)
    assert _run_middleware(_page())["X-Cache"] == "STALE"
    time_machine.shift(1)
    assert _run_middleware(_page("Alert over")).content == b"Alert over"


def test_after_a_publish_a_page_waits_5_seconds_at_most_for_the_node(time_machine):
    time_machine.move_to(START, tick=False)
    _run_middleware(_page())
    time_machine.shift(100)
    bump_generation()  # a publish, at START + 100
    cache.add(RENDER_SLOT_KEY, 1)  # this node renders other pages
    time_machine.shift(4)
    waiting = _run_middleware(_page())
    assert (waiting["X-Cache"], waiting.content) == ("STALE", b"Old page")
    # Rendered as soon as the node is free: caches in front ask again each second.
    assert waiting["Cache-Control"] == "public, max-age=0, s-maxage=1"
    assert waiting["X-Accel-Expires"] == "1"
    time_machine.shift(1)
    assert _run_middleware(_page("New page")).content == b"New page"


def test_while_another_request_renders_the_stale_copy_is_kept_by_no_cache_in_front(time_machine):
    time_machine.move_to(START, tick=False)
    _run_middleware(_page())
    time_machine.shift(1)
    bump_generation()  # a publish (a generation is the time of its purge: a second later)
    cache.add(_lock_key("/some-page/"), 1)  # another request renders it
    meanwhile = _run_middleware(_page())
    assert meanwhile["X-Cache"] == "STALE"
    assert meanwhile["Cache-Control"] == "private, max-age=0"
    assert meanwhile["X-Accel-Expires"] == "0"


def test_publishes_in_a_row_serve_the_copy_until_the_re_render_interval_ends(
    settings, time_machine
):
    """Caches in front may keep the copy exactly as long as this cache will serve it."""
    settings.PAGE_CACHE_RERENDER_INTERVAL = 4
    time_machine.move_to(START, tick=False)
    _run_middleware(_page())
    time_machine.shift(1)
    bump_generation()
    soon_after = _run_middleware(_page())
    assert soon_after["X-Cache"] == "STALE"
    assert soon_after["Cache-Control"] == "public, max-age=0, s-maxage=3"
    assert soon_after["X-Accel-Expires"] == "3"
    time_machine.shift(2)
    assert _run_middleware(_page())["Cache-Control"] == "public, max-age=0, s-maxage=1"
    time_machine.shift(0.5)  # half a second left: not worth keeping in front
    last_moment = _run_middleware(_page())
    assert (last_moment["X-Cache"], last_moment["Cache-Control"]) == ("STALE", "private, max-age=0")
    time_machine.shift(0.5)
    assert _run_middleware(_page("New page")).content == b"New page"


def test_a_copy_is_served_stale_for_7_days_at_most(settings, time_machine):
    time_machine.move_to(START, tick=False)
    _run_middleware(_page())
    time_machine.shift(settings.PAGE_CACHE_STALE_TIMEOUT)
    cache.add(_lock_key("/some-page/"), 1)  # another request renders it
    assert _run_middleware(_page())["X-Cache"] == "STALE"  # this process's copy, just
    time_machine.shift(1)
    cache.add(_lock_key("/some-page/"), 1)
    assert _run_middleware(_page("New page")).content == b"New page"  # none left: renders


# --- Pages that are gone ------------------------------------------------------------------------


def test_a_page_that_now_answers_404_is_never_served_stale_again_by_any_process(
    monkeypatch, settings, time_machine
):
    """Not only take-downs (page_cache/takedowns.py): a page whose view now answers 404 for
    reasons of its own leaves a "gone" marker, in the shared cache and in this process, so
    neither this process nor another one that kept its own copy serves the old page while a
    request renders, for as long as copies are kept."""
    from django.http import HttpResponseNotFound

    from page_cache import middleware

    def gone():
        return HttpResponseNotFound("Gone")

    this_process = middleware.local_entries
    other_process = LocalEntries()
    time_machine.move_to(START, tick=False)
    _run_middleware(_page())
    monkeypatch.setattr(middleware, "local_entries", other_process)
    assert _run_middleware(_page())["X-Cache"] == "HIT"  # it keeps a copy of its own
    monkeypatch.setattr(middleware, "local_entries", this_process)

    time_machine.shift(1)
    bump_generation()
    assert _run_middleware(gone).status_code == 404
    cache.add(_lock_key("/some-page/"), 1)  # from now on, another request is rendering it
    assert _run_middleware(gone).status_code == 404
    time_machine.shift(settings.PAGE_CACHE_TIMEOUT)  # its first request comes an hour later
    cache.add(_lock_key("/some-page/"), 1)
    monkeypatch.setattr(middleware, "local_entries", other_process)
    assert _run_middleware(gone).status_code == 404


def test_a_server_error_keeps_the_last_good_copy_for_others(time_machine):
    """A failed render (a 500) is no answer about the page: while the next request renders,
    others still get the last good copy."""
    from django.http import HttpResponseServerError

    time_machine.move_to(START, tick=False)
    _run_middleware(_page())
    time_machine.shift(1)
    bump_generation()  # a publish (a generation is the time of its purge: a second later)
    assert _run_middleware(lambda: HttpResponseServerError("Oops")).status_code == 500
    cache.add(_lock_key("/some-page/"), 1)  # another request renders it again
    meanwhile = _run_middleware(_page("New page"))
    assert (meanwhile["X-Cache"], meanwhile.content) == ("STALE", b"Old page")


# --- This process's copies, and the health check ------------------------------------------------


def test_each_process_keeps_at_most_256_recently_served_pages_in_memory():
    copies = LocalEntries()
    for n in range(257):
        copies.put(f"page {n}", 1, "entry")
    assert copies.get("page 0") is None  # the least recently served went
    assert copies.get("page 1") == (1, "entry", 1)
    assert len(copies.entries) == 256

    copies = LocalEntries(max_entries=2)
    copies.put("home", 1, "entry")
    copies.put("news", 1, "entry")
    copies.get("home")  # served again: kept
    copies.put("divisions", 1, "entry")
    assert copies.get("news") is None
    assert copies.get("home") is not None


def test_health_keeps_a_node_in_while_the_database_is_down_only_if_pages_are_stored(
    client, settings, time_machine
):
    time_machine.move_to(START, tick=False)
    with database_down():
        assert client.get("/healthz").status_code == 503  # nothing to serve
    _run_middleware(_page())
    time_machine.shift(settings.PAGE_CACHE_STALE_TIMEOUT - 1)
    with database_down():
        health = client.get("/healthz")
    assert (health.status_code, health.json()["status"]) == (200, "degraded")
    time_machine.shift(1)  # the copies are gone from the shared cache
    with database_down():
        assert client.get("/healthz").status_code == 503


def test_while_the_shared_cache_is_down_copies_are_fresh_for_10_seconds_only(
    settings, time_machine
):
    """Purges then reach this process only: other processes' edits show within
    PAGE_CACHE_REVALIDATE_SECONDS, not after the hour of PAGE_CACHE_TIMEOUT."""
    time_machine.move_to(START, tick=False)
    with shared_cache_down():
        _run_middleware(_page())
        time_machine.shift(settings.PAGE_CACHE_REVALIDATE_SECONDS - 1)
        assert _run_middleware(_page())["X-Cache"] == "HIT"
        time_machine.shift(1)
        assert _run_middleware(_page("New page")).content == b"New page"


# --- A view that finds the database gone ----------------------------------------------------------
# Most requests meet an unreachable database in a middleware (handler500 answers those); a view
# whose middlewares needed no query (the site kept per generation) meets it itself.

DATABASE = {"up": True}


def _page_needing_the_database(request):
    from django.http import HttpResponse

    if not DATABASE["up"]:
        raise OperationalError("server closed the connection unexpectedly")
    return HttpResponse("Page from the database")


urlpatterns = [path("from-the-database/", _page_needing_the_database)]


@pytest.mark.urls(__name__)
def test_a_view_that_finds_the_database_gone_answers_503_or_the_stored_copy(
    seeded_site, monkeypatch, time_machine
):
    client = Client(raise_request_exception=False)
    monkeypatch.setitem(DATABASE, "up", False)
    never_stored = client.get("/from-the-database/")
    assert (never_stored.status_code, never_stored["Retry-After"]) == (503, "30")
    assert "This page is not available right now" in never_stored.content.decode()

    time_machine.move_to(START, tick=False)
    monkeypatch.setitem(DATABASE, "up", True)
    client.get("/from-the-database/")
    time_machine.shift(1)
    bump_generation()
    monkeypatch.setitem(DATABASE, "up", False)
    response = client.get("/from-the-database/")
    assert (response.status_code, response["X-Cache"]) == (200, "STALE")
    assert response.content == b"Page from the database"


def test_a_hit_says_how_long_caches_may_keep_it_and_how_long_its_body_is():
    """Browsers revalidate at once (max-age=0); caches in front keep a page for a minute."""
    from django.http import HttpResponse

    def gzip_hit():
        request = RequestFactory().get("/some-page/", HTTP_ACCEPT_ENCODING="gzip, br")
        return PageCacheMiddleware(lambda request: HttpResponse("New page"))(request)

    _run_middleware(_page())
    for hit in (_run_middleware(_page("New page")), gzip_hit()):
        assert hit["X-Cache"] == "HIT"
        assert hit["Cache-Control"] == "public, max-age=0, s-maxage=60"
        assert hit["Content-Length"] == str(len(hit.content))
        assert hit["Vary"] == "Accept-Encoding"  # caches in front keep gzip for who accepts it
    assert gzip.decompress(gzip_hit().content) == b"Old page"


def test_other_processes_are_served_the_stored_page_for_its_whole_lifetime(
    monkeypatch, settings, time_machine
):
    from page_cache import middleware

    time_machine.move_to(START, tick=False)
    _run_middleware(_page())
    time_machine.shift(settings.PAGE_CACHE_TIMEOUT - 1)
    monkeypatch.setattr(middleware, "local_entries", LocalEntries())  # one that never served it
    assert _run_middleware(_page("New page"))["X-Cache"] == "HIT"


# --- Round-trips to the shared cache ------------------------------------------------------------
# A hit asks the shared cache for the generation and the take-down records only: the page
# itself comes from this process's memory, and a stale copy too while another request renders.


@contextlib.contextmanager
def _page_reads():
    """The reads of page entries from the shared cache, as a list that grows meanwhile."""
    from unittest import mock

    from page_cache.middleware import ENTRY_KEY_PREFIX

    reads = []
    shared = caches["default"]
    real_get = shared.get

    def get(key, *args, **kwargs):
        if key.startswith(ENTRY_KEY_PREFIX):
            reads.append(key)
        return real_get(key, *args, **kwargs)

    with mock.patch.object(shared, "get", get):
        yield reads


def test_hits_read_the_page_from_memory_after_the_first_one_in_each_process(monkeypatch):
    from page_cache import middleware

    _run_middleware(_page())
    with _page_reads() as reads:
        assert _run_middleware(_page())["X-Cache"] == "HIT"
    assert reads == []  # the process that stored it
    monkeypatch.setattr(middleware, "local_entries", LocalEntries())  # another one
    with _page_reads() as reads:
        for _ in range(3):
            assert _run_middleware(_page())["X-Cache"] == "HIT"
    assert len(reads) == 1


def test_while_another_request_renders_the_stale_copy_comes_from_memory(time_machine):
    time_machine.move_to(START, tick=False)
    _run_middleware(_page())
    time_machine.shift(1)
    bump_generation()
    cache.add(_lock_key("/some-page/"), 1)  # another request renders it
    with _page_reads() as reads:
        for _ in range(3):
            assert _run_middleware(_page("New page"))["X-Cache"] == "STALE"
    assert len(reads) == 1  # once per generation


def test_a_copy_dropped_from_the_shared_cache_is_still_served_stale_by_a_process_keeping_it(
    time_machine,
):
    """The shared cache may drop pages when full; a process that kept a copy still serves it
    while another request renders the page."""
    time_machine.move_to(START, tick=False)
    _run_middleware(_page())
    cache.delete(_entry_key(RequestFactory().get("/some-page/")))
    time_machine.shift(1)
    bump_generation()
    cache.add(_lock_key("/some-page/"), 1)  # another request renders it
    meanwhile = _run_middleware(_page("New page"))
    assert (meanwhile["X-Cache"], meanwhile.content) == ("STALE", b"Old page")


# --- Requests the cache leaves alone ------------------------------------------------------------


def _echo_path(request):
    from django.http import HttpResponse

    return HttpResponse(f"Answer for {request.path}")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/pages/",
        "/documents/1/annual-report.pdf",  # may be private: Wagtail checks on every request
        "/healthz",
        "/static/css/site.css",
        "/media/images/ambulance.jpg",
        "/" + "level/" * 9,  # deeper than any page (takedowns.MAX_DEPTH)
    ],
)
def test_requests_outside_the_pages_are_answered_and_never_stored(path):
    for _ in range(2):
        response = _run_middleware(_echo_path, path=path, as_request=True)
        assert response.content == f"Answer for {path}".encode()
        assert "X-Cache" not in response


def test_with_the_page_cache_switched_off_nothing_is_stored_or_served(settings):
    settings.PAGE_CACHE_ENABLED = False
    _run_middleware(_page())
    response = _run_middleware(_page("New page"))
    assert response.content == b"New page"
    assert "X-Cache" not in response


def test_a_renderer_that_dies_holds_its_page_for_10_seconds_at_most(time_machine):
    """A worker killed while rendering never releases its locks: they expire after
    PAGE_CACHE_REVALIDATE_SECONDS, and the next request renders."""
    from unittest import mock

    from django.http import HttpResponseServerError

    time_machine.move_to(START, tick=False)
    _run_middleware(_page())
    time_machine.shift(1)
    bump_generation()
    with mock.patch.object(caches["default"], "delete_many"):  # killed before it releases them
        _run_middleware(lambda: HttpResponseServerError("Killed"))
    time_machine.shift(9)
    assert _run_middleware(_page("New page"))["X-Cache"] == "STALE"
    time_machine.shift(1)
    assert _run_middleware(_page("New page")).content == b"New page"


def test_a_page_another_process_rendered_meanwhile_is_served_not_rendered_again(
    monkeypatch, time_machine
):
    from page_cache import middleware

    this_process = middleware.local_entries
    time_machine.move_to(START, tick=False)
    _run_middleware(_page())
    time_machine.shift(1)
    bump_generation()
    cache.add(_lock_key("/some-page/"), 1)  # another process renders it
    assert _run_middleware(_page())["X-Cache"] == "STALE"  # this one keeps its stale copy
    cache.delete(_lock_key("/some-page/"))
    monkeypatch.setattr(middleware, "local_entries", LocalEntries())
    _run_middleware(_page("New page"))  # the other process stores the new copy
    monkeypatch.setattr(middleware, "local_entries", this_process)
    response = _run_middleware(_page("Rendered twice"))
    assert (response["X-Cache"], response.content) == ("HIT", b"New page")


def test_every_page_and_gone_marker_expires_so_a_full_redis_can_evict_it(settings, time_machine):
    """Redis runs with `maxmemory-policy volatile-lru` (docs/deployment.md): only keys with an
    expiry are evicted when it is full, so every entry of the page cache must have one; the
    generation and the take-down records, which must never go, have none."""
    from django.http import HttpResponseNotFound

    from page_cache.middleware import PAGES_STORED_KEY

    time_machine.move_to(START, tick=False)
    _run_middleware(_page(), path="/gone/")
    time_machine.shift(1)
    bump_generation()
    _run_middleware(lambda: HttpResponseNotFound("Gone"), path="/gone/")  # its marker
    _run_middleware(_page(), path="/kept/")
    keys = [_entry_key(RequestFactory().get(path)) for path in ("/gone/", "/kept/")]
    assert len(cache.get_many([*keys, PAGES_STORED_KEY])) == 3
    time_machine.shift(settings.PAGE_CACHE_STALE_TIMEOUT)
    assert cache.get_many([*keys, PAGES_STORED_KEY]) == {}


def test_a_head_request_gets_the_headers_of_a_hit_without_its_body():
    """Called directly: Django's test client drops HEAD bodies itself, and would hide one."""
    _run_middleware(_page())
    head = PageCacheMiddleware(lambda request: None)(RequestFactory().head("/some-page/"))
    assert (head["X-Cache"], head.content) == ("HIT", b"")
    assert head["Content-Length"] == str(len(b"Old page"))
