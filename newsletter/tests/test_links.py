"""The signed links in the emails: confirm, manage preferences, unsubscribe."""

import html
import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core import mail, signing
from django.utils import timezone

from newsletter.models import Subscriber
from newsletter.tests.conftest import TEXTS, valid_data
from newsletter.tokens import make_confirm_token, make_preferences_token

pytestmark = pytest.mark.django_db
Status = Subscriber.Status


def link_in(message, kind):
    """The path of the confirm or preferences link in the plain-text email."""
    url = re.search(rf"https?://\S+/newsletter/{kind}/\S+/", message.body).group(0)
    return url, urlsplit(url).path


def text_of(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def pending(interests, post_signup):
    """A visitor who signed up for both topics and has the confirmation email."""
    post_signup(valid_data(email="Pat@example.org", interests=[i.slug for i in interests]))
    return Subscriber.objects.get(), mail.outbox[0]


def test_the_email_has_plain_text_and_html_with_the_same_absolute_links(pending, settings):
    subscriber, message = pending
    confirm_url, _ = link_in(message, "confirm")
    preferences_url, _ = link_in(message, "preferences")
    assert confirm_url.startswith(f"{settings.WAGTAILADMIN_BASE_URL}/newsletter/confirm/")
    assert message.subject == TEXTS.confirmation_subject
    assert "News and Events" in message.body
    (html_body, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    soup = BeautifulSoup(html_body, "html.parser")
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert confirm_url in hrefs and preferences_url in hrefs
    assert subscriber.email.lower() not in confirm_url.lower()  # the address is not in links


def test_confirming_cancels_a_confirmation_email_still_waiting_to_be_sent(
    client, pending, run_worker, time_machine
):
    """Pat signs up again a while later (a new confirmation email is queued), then confirms
    from the first email before the worker sends the second: Pat is subscribed, and gets no
    "please confirm" email afterwards."""
    subscriber, message = pending
    time_machine.move_to(timezone.now() + timedelta(hours=1), tick=False)
    client.post(
        "/newsletter/signup/",
        valid_data(email="pat@example.org"),
        HTTP_ORIGIN="http://testserver",
    )
    subscriber.refresh_from_db()
    assert subscriber.mail_due == Subscriber.Mail.CONFIRMATION  # queued, not sent yet

    _, path = link_in(message, "confirm")
    assert client.post(path).status_code == 302
    assert run_worker() == 0
    assert len(mail.outbox) == 1  # only the first email
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.mail_due) == (Status.CONFIRMED, "")


def test_opening_the_confirmation_link_changes_nothing_until_the_button(client, pending):
    subscriber, message = pending
    _, path = link_in(message, "confirm")
    for method in (client.get, client.head, client.get):  # e.g. a mail scanner, twice
        response = method(path)
        assert response.status_code == 200
    assert Subscriber.objects.get().status == Status.PENDING
    soup = BeautifulSoup(client.get(path).content, "html.parser")
    assert soup.h1.get_text() == TEXTS.confirm_heading
    assert soup.main.find("button").get_text() == TEXTS.confirm_button_label
    assert [li.get_text() for li in soup.select("main li")] == [
        "News and Events",
        "Career and Training Opportunities",
    ]


def test_pressing_confirm_subscribes_with_the_chosen_topics(client, pending, interests):
    subscriber, message = pending
    _, path = link_in(message, "confirm")
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/newsletter/preferences/")
    subscriber.refresh_from_db()
    assert subscriber.status == Status.CONFIRMED
    assert subscriber.confirmed_at is not None
    assert set(subscriber.interests.all()) == set(interests)
    page = client.get(response["Location"])
    assert TEXTS.confirmed_message in text_of(page)
    assert TEXTS.status_confirmed_text in text_of(page)


def test_confirm_applies_the_topics_of_the_link_that_was_pressed(
    client, pending, interests, post_signup
):
    """Someone else re-submitting the address later cannot change what the owner confirms."""
    subscriber, message = pending
    news, careers = interests
    Subscriber.objects.update(mail_requested_at=timezone.now() - timedelta(minutes=11))
    post_signup(valid_data(email="pat@example.org", interests=[careers.slug]))
    _, first_link = link_in(message, "confirm")
    client.post(first_link)
    assert set(Subscriber.objects.get().interests.all()) == {news, careers}


def test_confirming_twice_says_already_confirmed(client, pending):
    _, message = pending
    _, path = link_in(message, "confirm")
    client.post(path)
    response = client.get(path)
    assert response.status_code == 200
    assert TEXTS.already_confirmed_text in text_of(response)
    assert client.post(path).status_code == 200
    assert Subscriber.objects.get().status == Status.CONFIRMED


def test_confirmation_link_after_unsubscribing_no_longer_works(client, pending):
    subscriber, message = pending
    _, path = link_in(message, "confirm")
    Subscriber.objects.update(status=Status.UNSUBSCRIBED)
    response = client.post(path)
    assert response.status_code == 410
    assert TEXTS.expired_link_text in text_of(response)
    assert Subscriber.objects.get().status == Status.UNSUBSCRIBED


def _tampered(token):
    head, signature = token.rsplit(":", 1)
    return f"{head}:{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


@pytest.mark.parametrize("kind", ["confirm", "preferences"])
@pytest.mark.parametrize(
    "change",
    [
        _tampered,
        lambda token: token[:-5],
        lambda token: "not-a-token",
        lambda token: token.replace(":", ";"),
        lambda token: "%00" + token,
    ],
    ids=["changed signature", "cut short", "garbage", "no separators", "NUL byte"],
)
def test_tampered_links_get_a_friendly_400(client, pending, kind, change):
    _, message = pending
    _, path = link_in(message, kind)
    token = path.rstrip("/").rsplit("/", 1)[1]
    before = list(Subscriber.objects.values())
    for method in (client.get, client.post):
        response = method(f"/newsletter/{kind}/{change(token)}/")
        assert response.status_code == 400
        assert TEXTS.invalid_link_text in text_of(response)
    assert list(Subscriber.objects.values()) == before


def test_a_preferences_token_is_not_a_confirmation_token(client, pending):
    subscriber, _ = pending
    response = client.post(f"/newsletter/confirm/{make_preferences_token(subscriber)}/")
    assert response.status_code == 400
    assert Subscriber.objects.get().status == Status.PENDING


@pytest.mark.parametrize("kind, days", [("confirm", 8), ("preferences", 61)])
def test_expired_links_get_a_friendly_410(client, pending, monkeypatch, kind, days):
    subscriber, _ = pending
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - days * 86400)
    if kind == "confirm":
        token = make_confirm_token(subscriber, ["news-and-events"])
    else:
        token = make_preferences_token(subscriber)
    monkeypatch.undo()
    for method in (client.get, client.post):
        response = method(f"/newsletter/{kind}/{token}/")
        assert response.status_code == 410
        assert TEXTS.expired_link_text in text_of(response)
    assert Subscriber.objects.get().status == Status.PENDING


@pytest.mark.parametrize("kind", ["confirm", "preferences"])
def test_links_of_a_deleted_subscriber_get_a_friendly_404(client, pending, kind):
    _, message = pending
    _, path = link_in(message, kind)
    Subscriber.objects.all().delete()
    response = client.get(path)
    assert response.status_code == 404
    assert TEXTS.unknown_subscriber_text in text_of(response)


@pytest.mark.parametrize("kind", ["confirm", "preferences"])
def test_link_pages_are_private(client, pending, kind):
    _, message = pending
    _, path = link_in(message, kind)
    response = client.get(path)
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]
    assert client.put(path).status_code == 405


@pytest.fixture
def confirmed(interests):
    subscriber = Subscriber.objects.create(
        email="conf@example.org", status=Status.CONFIRMED, confirmed_at=timezone.now()
    )
    subscriber.interests.set(interests[:1])
    return subscriber, f"/newsletter/preferences/{make_preferences_token(subscriber)}/"


def test_preferences_page_shows_the_current_choices_and_get_changes_nothing(client, confirmed):
    subscriber, url = confirmed
    before = list(Subscriber.objects.values())
    response = client.get(url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find(id="preferences-interest-news-and-events").has_attr("checked")
    assert not soup.find(id="preferences-interest-career-and-training-opportunities").has_attr(
        "checked"
    )
    assert soup.find("button", string=TEXTS.unsubscribe_button_label)
    client.get(url + "?action=unsubscribe")
    assert list(Subscriber.objects.values()) == before


def test_changing_topics_on_the_preferences_page(client, confirmed, interests):
    subscriber, url = confirmed
    news, careers = interests
    response = client.post(url, {"action": "save", "interests": [careers.slug]})
    assert response.status_code == 302 and response["Location"] == url
    assert list(subscriber.interests.all()) == [careers]
    assert TEXTS.saved_message in text_of(client.get(url))


def test_saving_topics_from_the_first_emails_preferences_link_confirms_then(
    client, pending, interests, run_worker, time_machine
):
    """The preferences link proves the mailbox as the confirmation link does: saving there
    subscribes Pat, records when (the consent record), and cancels the waiting email."""
    subscriber, message = pending
    _, url = link_in(message, "preferences")
    Subscriber.objects.filter(pk=subscriber.pk).update(mail_due=Subscriber.Mail.CONFIRMATION)
    time_machine.move_to(timezone.now(), tick=False)
    response = client.post(url, {"action": "save", "interests": [interests[1].slug]})
    assert response.status_code == 302
    assert run_worker() == 0 and len(mail.outbox) == 1
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.confirmed_at, subscriber.mail_due) == (
        Status.CONFIRMED,
        timezone.now(),
        "",
    )


def test_unticking_every_topic_asks_to_unsubscribe_then_unsubscribes(client, confirmed, interests):
    subscriber, url = confirmed
    response = client.post(url, {"action": "save"})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("h2", string="Stop all emails?")
    assert soup.find("a", string="Keep my topics")["href"] == url
    assert list(subscriber.interests.all()) == [interests[0]]  # nothing changed yet
    subscriber.refresh_from_db()
    assert subscriber.status == Status.CONFIRMED

    client.post(url, {"action": soup.find("input", attrs={"name": "action"})["value"]})
    subscriber.refresh_from_db()
    assert subscriber.status == Status.UNSUBSCRIBED


@pytest.mark.parametrize(
    "data",
    [{"action": "delete"}, {}, {"action": ["save", "unsubscribe"]}, {"action": "save\x00"}],
    ids=["unknown action", "no action", "two actions", "NUL action"],
)
def test_malformed_preferences_posts_change_nothing(client, confirmed, data):
    subscriber, url = confirmed
    before = list(Subscriber.objects.values())
    response = client.post(url, {"interests": ["news-and-events"], **data})
    assert response.status_code == 400
    assert TEXTS.error_form_tampered in text_of(response)
    assert list(Subscriber.objects.values()) == before


def test_unsubscribing_and_coming_back(client, confirmed, interests):
    subscriber, url = confirmed
    response = client.post(url, {"action": "unsubscribe"})
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.status == Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    text = soup.get_text()
    assert text.count("You are unsubscribed") == 1
    assert f"These choices are for {subscriber.email}." in text
    assert TEXTS.unsubscribe_button_label not in text and TEXTS.save_button_label not in text
    assert not soup.select("input[name=interests][checked]")  # nothing looks subscribed
    assert soup.find("button", string="Subscribe again")

    # Subscribing again needs a topic.
    assert client.post(url, {"action": "save"}).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Status.UNSUBSCRIBED
    client.post(url, {"action": "save", "interests": [interests[1].slug]})
    subscriber.refresh_from_db()
    assert subscriber.status == Status.CONFIRMED
    assert list(subscriber.interests.all()) == [interests[1]]


def test_unsubscribing_drops_the_email_still_waiting_for_them(client, confirmed, run_worker):
    """A preferences link asked for a minute ago and not sent yet: unsubscribing drops it, so
    nothing is sent and the monitoring (/healthz) counts no email waiting."""
    subscriber, url = confirmed
    Subscriber.objects.filter(pk=subscriber.pk).update(
        mail_due=Subscriber.Mail.PREFERENCES,
        mail_requested_at=timezone.now() - timedelta(minutes=1),
    )
    assert client.post(url, {"action": "unsubscribe"}).status_code == 302
    body = client.get("/healthz").json()
    assert (body["mail queue"], body["mail queue waiting"]) == ("ok", 0)
    assert run_worker() == 0 and mail.outbox == []


def test_preferences_posts_need_django_csrf_token(confirmed):
    from django.test import Client

    subscriber, url = confirmed
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(url, {"action": "unsubscribe"}).status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.status == Status.CONFIRMED
    page = strict.get(url)
    token = BeautifulSoup(page.content, "html.parser").find(
        "input", attrs={"name": "csrfmiddlewaretoken"}
    )["value"]
    response = strict.post(url, {"action": "unsubscribe", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
