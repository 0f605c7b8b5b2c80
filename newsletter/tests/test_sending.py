"""Sending published news pages to subscribers by interest, exactly once, in the background."""

import logging
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from divisions.models import DivisionPage
from news.models import NewsPage
from newsletter.models import Delivery, Interest, Mailing, Subscriber
from newsletter.sending import deliver, start_mailing
from newsletter.tests.failing_backend import CrashAfterBackend
from testing.admin_forms import refused

pytestmark = pytest.mark.django_db
Status = Subscriber.Status


@pytest.fixture
def audience(seeded_site):
    news = Interest.objects.sources().get(slug="news-and-events")
    careers = Interest.objects.sources().get(slug="career-and-training-opportunities")

    def subscriber(email, status, *topics):
        row = Subscriber.objects.create(email=email, status=status)
        row.interests.set(topics)
        return row

    return {
        "news": subscriber("news@example.org", Status.CONFIRMED, news),
        "careers": subscriber("careers@example.org", Status.CONFIRMED, careers),
        "both": subscriber("both@example.org", Status.CONFIRMED, news, careers),
        "pending": subscriber("pending@example.org", Status.PENDING, news, careers),
        "gone": subscriber("gone@example.org", Status.UNSUBSCRIBED, news, careers),
    }


@pytest.fixture
def send(run_worker):
    """Start a mailing, then let the background worker make a pass."""

    def start_and_run(page, user=None):
        mailing = start_mailing(page, user)
        run_worker()
        return mailing

    return start_and_run


def recipients_of_outbox():
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.mark.parametrize(
    "slug, expected",
    [
        ("sample-new-ambulances", ["both@example.org", "news@example.org"]),
        ("sample-hands-only-cpr-day", ["both@example.org", "news@example.org"]),
        ("sample-emt-recruitment", ["both@example.org", "careers@example.org"]),
        ("sample-continuing-education", ["both@example.org", "careers@example.org"]),
    ],
)
def test_recipients_are_the_confirmed_subscribers_of_the_matching_topic(
    send, audience, slug, expected
):
    send(NewsPage.objects.get(slug=slug))
    assert recipients_of_outbox() == expected


def test_every_update_has_text_html_personal_links_and_one_click_unsubscribe(
    send, audience, settings
):
    page = NewsPage.objects.get(slug="sample-new-ambulances")
    send(page)
    preference_links = set()
    for message in mail.outbox:
        assert message.subject == page.title
        # Links from the configured site address (never a request's Host).
        assert f"{settings.WAGTAILADMIN_BASE_URL}/news/sample-new-ambulances/" in message.body
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html" and page.summary in html
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        unsubscribe = message.extra_headers["List-Unsubscribe"]
        assert unsubscribe.startswith(f"<{settings.WAGTAILADMIN_BASE_URL}/newsletter/unsubscribe/")
        preference_links.add(
            next(line for line in message.body.splitlines() if "/preferences/" in line)
        )
    assert len(preference_links) == len(mail.outbox) == 2  # personal, one per subscriber


def test_a_crash_half_way_then_the_worker_sends_everyone_else_exactly_once(
    seeded_site, settings, run_worker
):
    news = Interest.objects.sources().get(slug="news-and-events")
    for number in range(10):
        row = Subscriber.objects.create(
            email=f"reader{number}@example.org", status=Status.CONFIRMED
        )
        row.interests.add(news)
    page = NewsPage.objects.get(slug="sample-new-ambulances")
    mailing = start_mailing(page, None)

    settings.EMAIL_BACKEND = "newsletter.tests.failing_backend.CrashAfterBackend"
    CrashAfterBackend.delivered, CrashAfterBackend.crash_after = 0, 4
    with pytest.raises(KeyboardInterrupt):
        deliver(mailing.pk)
    assert len(mail.outbox) == 4
    assert mailing.progress()["sent"] == 4 and mailing.progress()["queued"] == 6

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_worker()  # the restarted worker picks up where the killed one stopped
    assert recipients_of_outbox() == sorted(f"reader{n}@example.org" for n in range(10))
    assert mailing.progress()["sent"] == 10


def test_a_failing_mail_server_leaves_deliveries_queued_for_a_retry(
    audience, settings, run_worker, caplog, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    settings.EMAIL_BACKEND = "newsletter.tests.failing_backend.EmailBackend"
    mailing = start_mailing(NewsPage.objects.get(slug="sample-new-ambulances"), None)
    first, second = mailing.deliveries.order_by("pk")
    with caplog.at_level(logging.WARNING, logger="newsletter"):
        assert run_worker() is None  # the pass paused
    # The pass stops at the first delivery the server fails: the rest would fail the same
    # way, each after a timeout. The worker's log says why it waits.
    reason = "Connection unexpectedly closed (test)"
    assert caplog.messages == [
        f"Delivery {first.pk} not sent: {reason}",
        f"Mail server unavailable: {reason}; newsletter worker retries in 4 s",
    ]
    assert mailing.progress()["queued"] == 2 and not mail.outbox
    for _ in range(2):  # however long the outage lasts, nobody is given up on
        assert run_worker() is None
    assert mailing.progress()["queued"] == 2
    first.refresh_from_db()
    assert (first.status, first.attempts, first.error) == (Delivery.Status.QUEUED, 3, reason)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert run_worker() == 2
    assert recipients_of_outbox() == ["both@example.org", "news@example.org"]
    # The record says when each was sent and how often the server was tried.
    sent = mailing.deliveries.order_by("pk").values_list("status", "attempts", "sent_at", "error")
    assert list(sent) == [
        (Delivery.Status.SENT, 4, timezone.now(), ""),
        (Delivery.Status.SENT, 1, timezone.now(), ""),
    ]


def test_one_click_unsubscribe_post_works_without_login_and_get_does_not(
    client, send, audience, settings
):
    send(NewsPage.objects.get(slug="sample-new-ambulances"))
    message = next(m for m in mail.outbox if m.to == ["news@example.org"])
    url = urlsplit(message.extra_headers["List-Unsubscribe"].strip("<>")).path

    assert client.get(url).status_code == 200
    assert Subscriber.objects.get(email="news@example.org").status == Status.CONFIRMED

    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Subscriber.objects.get(email="news@example.org").status == Status.UNSUBSCRIBED
    assert client.post(url[:-6] + "XXXXX/").status_code == 400  # tampered link


def _member_of(group_name):
    user = get_user_model().objects.create_user(group_name.replace(" ", ""), password="x" * 14)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.mark.parametrize("group_name", ["Editors", "Moderators"])
def test_page_editors_cannot_send(client, audience, group_name):
    client.force_login(_member_of(group_name))
    page = NewsPage.objects.get(slug="sample-new-ambulances")
    url = reverse("newsletter_send_page", args=[page.pk])
    assert refused(client.get(url))
    assert refused(client.post(url, {"action": "send"}))
    assert not Mailing.objects.exists()


def test_a_manager_sees_the_count_sends_once_and_follows_progress(client, audience, run_worker):
    client.force_login(_member_of("Newsletter managers"))
    page = NewsPage.objects.get(slug="sample-emt-recruitment")
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    url = reverse("newsletter_send_page", args=[page.pk])
    # Managers don't edit pages: Wagtail sends them to the dashboard with its refusal...
    assert refused(edit)
    response = client.get(url)
    assert response.status_code == 200
    assert "<strong>2</strong> subscribers will receive it" in response.content.decode()

    # "Send" asks first; only the confirmation starts the sending.
    confirmation = client.post(url, {"action": "send"})
    assert confirmation.status_code == 200 and not Mailing.objects.exists()
    soup = BeautifulSoup(confirmation.content, "html.parser")
    assert soup.find("h2", string=f"Send “{page.title}” now?")
    response = client.post(url, form_values(soup, "Yes, send to 2 subscribers"))
    assert response.status_code == 302
    mailing = Mailing.objects.get()
    assert client.get(response["Location"]).status_code == 200
    assert mailing.progress()["queued"] == 2
    run_worker()
    assert recipients_of_outbox() == ["both@example.org", "careers@example.org"]
    progress_page = client.get(reverse("newsletter_mailing", args=[mailing.pk])).content.decode()
    assert "<dt>Sent</dt><dd>2</dd>" in progress_page

    # Sent once: another POST needs the explicit "send again".
    assert client.post(url, {"action": "send"}).status_code == 400
    assert Mailing.objects.count() == 1
    again = client.post(url, {"action": "send", "send_again": "yes"})
    confirm_again = form_values(BeautifulSoup(again.content, "html.parser"), "Yes, send to")
    assert confirm_again["send_again"] == "yes"
    assert client.post(url, confirm_again).status_code == 302
    assert Mailing.objects.count() == 2
    assert Delivery.objects.count() == 4


def form_values(soup, button_text):
    """What a browser posts when the button starting with `button_text` is pressed."""
    button = soup.find("button", string=lambda text: text and text.startswith(button_text))
    form = button.find_parent("form")
    return {field["name"]: field["value"] for field in form.find_all("input", type="hidden")}


def test_a_double_click_on_the_confirmation_starts_one_sending(client, audience, run_worker):
    client.force_login(_member_of("Newsletter managers"))
    page = NewsPage.objects.get(slug="sample-emt-recruitment")
    url = reverse("newsletter_send_page", args=[page.pk])
    confirmation = BeautifulSoup(client.post(url, {"action": "send"}).content, "html.parser")
    confirm = form_values(confirmation, "Yes, send to 2 subscribers")
    first, second = client.post(url, confirm), client.post(url, confirm)
    mailing = Mailing.objects.get()
    assert (
        first["Location"] == second["Location"] == reverse("newsletter_mailing", args=[mailing.pk])
    )
    followed = client.get(second["Location"]).content.decode()
    assert "This sending had already started; it was not started twice." in followed
    run_worker()
    assert recipients_of_outbox() == ["both@example.org", "careers@example.org"]  # once each

    # A confirmation without its sending number starts nothing.
    response = client.post(url, {"action": "confirm_send", "sending": "2"})  # no "send again"
    assert response["Location"] == url
    assert "The form arrived incomplete: nothing was sent." in client.get(url).content.decode()
    assert Mailing.objects.count() == 1


def test_a_page_that_is_not_news_is_not_offered_for_sending(client, audience):
    """Any page's sending address answers: a page with no kind of news (a division page) is
    refused with the reason, not an error."""
    client.force_login(_member_of("Newsletter managers"))
    page = DivisionPage.objects.first()
    response = client.get(reverse("newsletter_send_page", args=[page.pk]))
    assert response.status_code == 200
    warning = BeautifulSoup(response.content, "html.parser").select_one(".help-warning")
    assert warning.get_text() == "This kind of page is not sent to subscribers."


def test_a_double_click_on_a_send_again_leads_to_that_very_sending(client, audience):
    """This page's first sending and another page's two: the second click of the confirmation
    shows the sending the first click started, not another one of the same page or another
    page's with the same number."""
    client.force_login(_member_of("Newsletter managers"))
    other = NewsPage.objects.get(slug="sample-new-ambulances")
    start_mailing(other, None), start_mailing(other, None)
    page = NewsPage.objects.get(slug="sample-emt-recruitment")
    start_mailing(page, None)
    url = reverse("newsletter_send_page", args=[page.pk])
    again = client.post(url, {"action": "send", "send_again": "yes"})
    confirm = form_values(BeautifulSoup(again.content, "html.parser"), "Yes, send to")
    first, second = client.post(url, confirm), client.post(url, confirm)
    started = Mailing.objects.get(page=page, sequence=2)
    shown = reverse("newsletter_mailing", args=[started.pk])
    assert first["Location"] == second["Location"] == shown
    assert Mailing.objects.filter(page=page).count() == 2


def test_delivering_a_mailing_costs_the_same_queries_for_each_subscriber(
    seeded_site, django_assert_num_queries
):
    """The mailing with its page, the queue and the page and topic in the subscribers'
    language are looked up once per mailing (6 queries); each delivery then costs the same 7
    (its row with its subscriber and mailing in one, the page still public, the topic still
    chosen, the page's address, the update, the savepoint around them). A mailing to
    thousands must not cost more per email as it grows."""
    news = Interest.objects.sources().get(slug="news-and-events")
    page = NewsPage.objects.get(slug="sample-new-ambulances")
    # The first sending fills the process's caches (content types, sites), as a worker's first
    # mailing does; the ones after are measured.
    for count, queries in ((1, None), (2, 6 + 7 * 2), (5, 6 + 7 * 5)):
        Subscriber.objects.all().delete()
        for number in range(count):
            row = Subscriber.objects.create(email=f"r{number}@example.org", status=Status.CONFIRMED)
            row.interests.add(news)
        mailing = start_mailing(page, None)
        if queries is None:
            deliver(mailing.pk)
            continue
        with django_assert_num_queries(queries):
            assert deliver(mailing.pk) == count


def test_the_send_button_shows_for_managers_on_news_pages(admin_client, audience):
    page = NewsPage.objects.get(slug="sample-emt-recruitment")
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert reverse("newsletter_send_page", args=[page.pk]) in html


def test_the_topic_a_kind_goes_to_is_chosen_on_the_topic_and_survives_renaming(send, audience):
    careers = Interest.objects.sources().get(slug="career-and-training-opportunities")
    careers.name, careers.slug = "Jobs and Academy", "jobs"
    careers.save()
    page = NewsPage.objects.get(slug="sample-emt-recruitment")
    send(page)
    assert recipients_of_outbox() == ["both@example.org", "careers@example.org"]
    # Editors move "training" to the news topic: the next training page goes there.
    careers.news_kinds = ["career"]
    careers.save()
    news = Interest.objects.sources().get(slug="news-and-events")
    news.news_kinds = ["news", "event", "training"]
    news.full_clean()
    news.save()
    from newsletter.sending import interest_for

    assert interest_for(NewsPage.objects.get(slug="sample-continuing-education")) == news


def test_a_kind_goes_to_one_topic_at_most(admin_client, audience):
    from wagtail.test.utils.form_data import querydict_from_html

    news = Interest.objects.sources().get(slug="news-and-events")
    url = reverse("wagtailsnippets_newsletter_interest:edit", args=[news.pk])
    form = querydict_from_html(admin_client.get(url).content.decode(), form_id="w-editor-form")
    form.setlist("news_kinds", ["news", "event", "career"])
    response = admin_client.post(url, form)
    assert response.status_code == 200
    assert "Already sent to another topic: career (Career and Training Opportunities)." in (
        response.content.decode()
    )
    assert Interest.objects.sources().get(pk=news.pk).news_kinds == ["news", "event"]


def test_a_page_whose_kind_no_topic_receives_offers_no_sending(admin_client, audience):
    Interest.objects.sources().filter(slug="career-and-training-opportunities").update(
        news_kinds=[]
    )
    page = NewsPage.objects.get(slug="sample-emt-recruitment")
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert reverse("newsletter_send_page", args=[page.pk]) not in html


def test_managers_find_the_pages_they_may_send_in_their_own_menu(client, audience):
    client.force_login(_member_of("Newsletter managers"))
    menu = client.get("/admin/").content.decode()
    listing_url = reverse("newsletter_sendable_pages")
    assert '"label": "Send an update"' in menu and listing_url in menu
    soup = BeautifulSoup(client.get(listing_url).content, "html.parser")
    rows = {
        row.select("td")[0].get_text(strip=True): [td.get_text(strip=True) for td in row("td")]
        for row in soup.select("table.listing tbody tr")
    }
    recruitment = NewsPage.objects.get(slug="sample-emt-recruitment")
    # topic and recipient count (both@ and careers@: confirmed subscribers of the topic)
    assert rows[recruitment.title][2:] == ["Career and Training Opportunities", "2", "Never"]
    link = soup.find("a", string=recruitment.title)["href"]
    assert link == reverse("newsletter_send_page", args=[recruitment.pk])
    assert [th.get_text() for th in soup.select("thead th")] == [
        "Page",
        "Date",
        "Topic",
        "Recipients",
        "Last sent",
    ]


@pytest.mark.parametrize("group_name", ["Editors", "Moderators"])
def test_page_editors_have_no_send_menu(client, audience, group_name):
    client.force_login(_member_of(group_name))
    assert "Send an update" not in client.get("/admin/").content.decode()
    assert refused(client.get(reverse("newsletter_sendable_pages")))


def test_a_manager_previews_and_test_sends_the_email_without_sending_it(client, audience, settings):
    manager = _member_of("Newsletter managers")
    manager.email = "manager@example.org"
    manager.save()
    client.force_login(manager)
    page = NewsPage.objects.get(slug="sample-new-ambulances")
    preview_url = reverse("newsletter_preview_email", args=[page.pk])
    html = client.get(preview_url).content.decode()
    assert page.title in html and page.summary in html
    assert f'src="{settings.WAGTAILADMIN_BASE_URL}/static/' in html  # the logo, absolute
    text = client.get(preview_url + "?format=text").content.decode()
    assert page.summary in text and "<" not in text

    response = client.post(reverse("newsletter_send_page", args=[page.pk]), {"action": "test"})
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["manager@example.org"]]
    test = mail.outbox[0]
    assert test.subject == f"[TEST] {page.title}"  # never mistaken for the real sending
    note = "TEST: sent to you alone from the admin by Newslettermanagers. Subscribers have "
    assert test.body.startswith(note + "not received it.")
    html = BeautifulSoup(test.alternatives[0][0], "html.parser")
    first_text = html.find("p").get_text()
    assert first_text.startswith("TEST: sent to you alone") and "have not received it" in first_text
    assert page.summary in test.body  # the real content follows
    assert not Mailing.objects.exists() and not Delivery.objects.exists()


def test_a_test_send_when_the_mail_server_is_down_says_so(client, audience, settings):
    settings.EMAIL_BACKEND = "newsletter.tests.failing_backend.EmailBackend"
    manager = _member_of("Newsletter managers")
    manager.email = "manager@example.org"
    manager.save()
    client.force_login(manager)
    page = NewsPage.objects.get(slug="sample-new-ambulances")
    response = client.post(reverse("newsletter_send_page", args=[page.pk]), {"action": "test"})
    assert response.status_code == 400
    assert "The mail server is not answering" in response.content.decode()


def test_the_update_email_looks_like_the_site_and_loads_nothing_else(send, audience, settings):
    page = NewsPage.objects.get(slug="sample-new-ambulances")
    send(page)
    html, _ = mail.outbox[0].alternatives[0]
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find("link") and not soup.find("script") and not soup.find("style")
    sources = [tag["src"] for tag in soup.find_all(src=True)]
    assert len(sources) == 1 and sources[0].startswith(settings.WAGTAILADMIN_BASE_URL)
    assert soup.find("img", src=sources[0])["alt"] == ""  # the name "Boston EMS" follows it
    assert soup.find("h1").get_text() == page.title
    assert "font-size" in soup.body["style"]


@pytest.mark.django_db
def test_each_sending_of_a_page_is_numbered_and_records_who_started_it(seeded_site, admin_user):
    """The manager's mailing pages number each sending of a page ("send again" is the second)
    and say who started it."""
    page = NewsPage.objects.get(slug="sample-new-ambulances")
    first = start_mailing(page, admin_user)
    again = start_mailing(page, None)
    assert (first.sequence, first.created_by) == (1, admin_user)
    assert again.sequence == 2
