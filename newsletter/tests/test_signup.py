import html
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsletter.models import Interest, Subscriber
from newsletter.tests.conftest import SAME_ORIGIN, SIGNUP_URL, TEXTS, snapshot, valid_data
from testing.helpers import QUERY_BUDGET, count_queries

pytestmark = pytest.mark.django_db
CHECK_EMAIL_URL = "/newsletter/check-your-email/"
DAY = timedelta(days=1)


def text_of(response):
    return html.unescape(response.content.decode())


# --- The happy path and the sign-up rules -------------------------------------------------


def test_signup_stores_a_pending_subscriber_and_sends_one_confirmation(interests, post_signup):
    response = post_signup(
        valid_data(email="  Ann.Lee@Example.ORG ", interests=[i.slug for i in interests])
    )
    assert response.status_code == 302
    assert response["Location"] == CHECK_EMAIL_URL
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "Ann.Lee@example.org"  # spaces gone, domain lower-cased
    assert subscriber.status == Subscriber.Status.PENDING
    assert set(subscriber.interests.all()) == set(interests)
    assert subscriber.source == "/sign-up/"
    assert subscriber.consent_text == TEXTS.consent_text
    assert subscriber.language_code == "en"
    assert subscriber.confirmed_at is None and subscriber.mail_due == ""
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Ann.Lee@example.org"]
    assert "/newsletter/confirm/" in mail.outbox[0].body


def test_a_new_address_signed_up_on_a_page_in_another_language_is_written_to_in_it(
    interests, post_signup
):
    """The subscriber's language is the page's: the confirmation, and every email after it."""
    post_signup(valid_data(source="/fr/divisions/"))
    assert Subscriber.objects.get().language_code == "fr"
    french = "Veuillez confirmer votre abonnement aux nouvelles de Boston EMS"
    assert mail.outbox[0].subject == french


def test_success_page_says_check_your_email(client, interests):
    response = client.get(CHECK_EMAIL_URL)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text() == "Check your email"


def test_known_and_unknown_addresses_get_the_same_answer(interests, post_signup, client):
    Subscriber.objects.create(email="known@example.org", status=Subscriber.Status.CONFIRMED)
    known = post_signup(valid_data(email="known@example.org"))
    unknown = post_signup(valid_data(email="unknown@example.org"))
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == CHECK_EMAIL_URL
    assert known.content == unknown.content


def test_case_variants_of_one_address_leave_one_row(interests, post_signup):
    for address in ("Ann@Example.org", "ann@example.org", " ANN@EXAMPLE.ORG "):
        assert post_signup(valid_data(email=address)).status_code == 302
    assert Subscriber.objects.count() == 1
    assert Subscriber.objects.get().email == "Ann@example.org"
    assert len(mail.outbox) == 1  # the repeats within 10 minutes send nothing


def test_the_database_refuses_a_case_variant_duplicate(interests):
    Subscriber.objects.create(email="dup@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscriber.objects.create(email="DUP@example.org")


@pytest.mark.parametrize("lost_races", [1, 2, 3])
def test_a_sign_up_that_loses_the_race_for_a_new_address_tries_three_times(
    interests, client, run_worker, monkeypatch, lost_races
):
    """Another request stored the address just after this one looked it up (on PostgreSQL,
    an insert not yet committed is invisible): the insert hits the unique constraint and the
    sign-up tries again, finding that row. After three lost races it gives up with an error
    rather than answering "check your email" for an email it never asked for."""
    from newsletter import services

    Subscriber.objects.create(
        email="race@example.org",
        mail_due=Subscriber.Mail.CONFIRMATION,
        mail_requested_at=timezone.now(),  # the other request's sign-up
    )
    real_find = services.find_subscriber
    lookups = []

    def find_too_early(email, lock=False):
        lookups.append(email)
        return None if len(lookups) <= lost_races else real_find(email, lock=lock)

    monkeypatch.setattr(services, "find_subscriber", find_too_early)
    data = valid_data(email="Race@example.org")
    if lost_races == 3:
        with pytest.raises(IntegrityError):
            client.post(SIGNUP_URL, data, HTTP_ORIGIN=SAME_ORIGIN)
        assert len(lookups) == 3
    else:
        response = client.post(SIGNUP_URL, data, HTTP_ORIGIN=SAME_ORIGIN)
        assert response.status_code == 302 and response["Location"] == CHECK_EMAIL_URL
        run_worker()
        assert [message.to for message in mail.outbox] == [["race@example.org"]]
    assert Subscriber.objects.get().email == "race@example.org"


def _age_last_mail(minutes=11):
    Subscriber.objects.update(mail_requested_at=timezone.now() - timedelta(minutes=minutes))


def test_pending_signup_again_sends_a_fresh_confirmation_but_not_every_time(interests, post_signup):
    news, careers = interests
    post_signup(valid_data(email="p@example.org", interests=[news.slug]))
    post_signup(valid_data(email="p@example.org", interests=[careers.slug]))
    subscriber = Subscriber.objects.get()
    assert len(mail.outbox) == 1
    assert list(subscriber.interests.all()) == [news]  # a throttled repeat changes nothing

    _age_last_mail()
    post_signup(valid_data(email="p@example.org", interests=[careers.slug]))
    assert len(mail.outbox) == 2
    assert "/newsletter/confirm/" in mail.outbox[1].body
    assert list(subscriber.interests.all()) == [careers]
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_confirmed_signup_again_gets_a_preferences_link_and_keeps_its_topics(
    interests, post_signup
):
    news, careers = interests
    subscriber = Subscriber.objects.create(
        email="c@example.org", status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now()
    )
    subscriber.interests.set([news])
    post_signup(valid_data(email="C@example.org", interests=[careers.slug]))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == TEXTS.preferences_subject
    assert "/newsletter/preferences/" in mail.outbox[0].body
    assert "/newsletter/confirm/" not in mail.outbox[0].body
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert list(subscriber.interests.all()) == [news]
    post_signup(valid_data(email="c@example.org"))
    assert len(mail.outbox) == 1  # not again within 10 minutes


def test_unsubscribed_signup_again_needs_a_new_confirmation(interests, post_signup):
    news, careers = interests
    Subscriber.objects.create(
        email="u@example.org",
        status=Subscriber.Status.UNSUBSCRIBED,
        unsubscribed_at=timezone.now(),
    )
    post_signup(valid_data(email="u@example.org", interests=[careers.slug]))
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert list(subscriber.interests.all()) == [careers]
    assert len(mail.outbox) == 1 and "/newsletter/confirm/" in mail.outbox[0].body


def test_an_address_gets_at_most_three_emails_a_day_however_often_it_is_signed_up(
    interests, post_signup, time_machine
):
    """Signing someone else's address up again every 11 minutes, all day: three
    confirmations, then nothing until the day is over. The answer never changes."""
    time_machine.move_to(timezone.now(), tick=False)
    Subscriber.objects.create(email="target@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    answers = set()
    for _ in range(12):
        response = post_signup(valid_data(email="target@example.org"))
        answers.add((response.status_code, response["Location"], response.content))
        time_machine.shift(timedelta(minutes=11))
    assert len(mail.outbox) == 3
    assert answers == {(302, CHECK_EMAIL_URL, b"")}  # the same as for any other address

    time_machine.shift(timedelta(hours=22))  # a day after the first email
    post_signup(valid_data(email="target@example.org"))
    assert len(mail.outbox) == 4


def test_a_repeat_sign_up_sends_again_once_ten_minutes_have_passed_not_before(
    interests, post_signup, time_machine
):
    """The 10 minutes count from the last email asked for: a second short of them the repeat
    changes nothing, at 10 minutes it sends."""
    time_machine.move_to(timezone.now(), tick=False)
    post_signup(valid_data(email="again@example.org"))
    time_machine.shift(timedelta(minutes=10) - timedelta(seconds=1))
    post_signup(valid_data(email="again@example.org"))
    assert len(mail.outbox) == 1
    time_machine.shift(timedelta(seconds=1))
    post_signup(valid_data(email="again@example.org"))
    assert len(mail.outbox) == 2


def test_a_new_address_gets_three_emails_a_day_counted_from_its_first(
    interests, post_signup, time_machine
):
    """The first sign-up's email counts as the day's first; the day ends 24 hours after it,
    and the next email starts a new day of three."""
    time_machine.move_to(timezone.now(), tick=False)
    first = timezone.now()

    def sign_up_at(delay):
        time_machine.move_to(first + delay, tick=False)
        post_signup(valid_data(email="daily@example.org"))
        return len(mail.outbox)

    assert [sign_up_at(timedelta(minutes=10 * n)) for n in range(4)] == [1, 2, 3, 3]
    assert sign_up_at(DAY - timedelta(seconds=1)) == 3
    assert sign_up_at(DAY) == 4  # a new day, from this email
    later = [sign_up_at(DAY + timedelta(minutes=10 * n)) for n in range(1, 4)]
    assert later == [5, 6, 6]


def test_the_check_your_email_page_promises_only_what_happened(interests, post_signup, client):
    """A repeat within 10 minutes sends nothing: the page says an earlier message may be the
    one to open, for every address alike."""
    post_signup(valid_data(email="twice@example.org"))
    post_signup(valid_data(email="twice@example.org"))
    assert len(mail.outbox) == 1
    text = BeautifulSoup(client.get(CHECK_EMAIL_URL).content, "html.parser").main.get_text()
    assert "a message from us is on its way or already in its inbox" in text
    assert "at most one message every 10 minutes and 3 a day" in text
    assert "open the latest message from us" in text


def test_pages_with_the_old_promise_get_the_true_wording(seeded_site):
    import importlib

    from django.apps import apps

    from newsletter.models import NewsletterSignupPage

    migration = importlib.import_module(
        "newsletter.migrations.0016_signup_daily_email_limit_and_true_thank_you_wording"
    )
    old_text = next(iter(migration.REWORDED))
    page = NewsletterSignupPage.objects.get()
    page.thank_you_text = old_text
    page.save_revision().publish()
    migration.reword_thank_you_text(apps, None)
    page.refresh_from_db()
    assert page.thank_you_text == TEXTS.thank_you_text
    assert page.get_latest_revision_as_object().thank_you_text == TEXTS.thank_you_text


def test_the_sign_up_box_keeps_the_name_the_menu_gives_it(client, seeded_site):
    import importlib

    from django.apps import apps

    from newsletter.models import NewsletterSignupPage

    page = BeautifulSoup(client.get("/").content, "html.parser")
    box = page.select_one("aside h2").get_text()
    assert box == page.select_one(".main-menu__signup a").get_text() == "Sign up for updates"
    # Sites seeded before keep the old name until the migration renames it.
    migration = importlib.import_module("newsletter.migrations.0019_sign_up_box_named_as_the_menu")
    signup = NewsletterSignupPage.objects.get()
    signup.sidebar_heading = migration.OLD
    signup.save_revision().publish()
    migration.rename_sign_up_box(apps, None)
    signup.refresh_from_db()
    assert signup.sidebar_heading == "Sign up for updates"
    assert signup.get_latest_revision_as_object().sidebar_heading == "Sign up for updates"


def test_honeypot_tells_robots_nothing_and_stores_nothing(interests, post_signup):
    response = post_signup(valid_data(website="https://spam.example"))
    assert response.status_code == 302 and response["Location"] == CHECK_EMAIL_URL
    assert Subscriber.objects.count() == 0
    assert mail.outbox == []


def test_rate_limit_answers_429_with_a_friendly_page(interests, post_signup, settings):
    settings.NEWSLETTER_SIGNUP_LIMIT = 3
    for number in range(3):
        assert post_signup(valid_data(email=f"r{number}@example.org")).status_code == 302
    response = post_signup(valid_data(email="r9@example.org"))
    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    assert TEXTS.too_many_text in text_of(response)
    assert not Subscriber.objects.filter(email="r9@example.org").exists()
    # Another visitor is not affected.
    other = post_signup(valid_data(email="other@example.org"), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302


# --- Bad input: each case is a clear 4xx, the expected message, and no row changed ----------

REQUIRED = TEXTS.error_email_required
INVALID = TEXTS.error_email_invalid
# Invisible characters get their own message: the visitor cannot see what is wrong.
HIDDEN = TEXTS.error_email_hidden_characters
TOO_LONG = TEXTS.error_email_too_long
NO_TOPIC = TEXTS.error_interests_required
BAD_TOPIC = TEXTS.error_interests_invalid
TAMPERED = TEXTS.error_form_tampered
FORBIDDEN = TEXTS.forbidden_text
WRONG_METHOD = TEXTS.wrong_method_text
LONG_DOMAIN = ".".join(["b" * 63, "c" * 63, "d" * 63, "e" * 60]) + ".org"

BAD_FORM_DATA = [
    ("empty email", {"email": ""}, REQUIRED),
    ("only spaces", {"email": "     "}, REQUIRED),
    ("only tab and newline", {"email": "\t\n"}, REQUIRED),
    ("email missing", {"email": None}, REQUIRED),
    ("no at sign", {"email": "new.person.example.org"}, INVALID),
    ("nothing before at", {"email": "@example.org"}, INVALID),
    ("nothing after at", {"email": "new.person@"}, INVALID),
    ("two at signs", {"email": "a@@example.org"}, INVALID),
    ("space inside", {"email": "new person@example.org"}, INVALID),
    ("space in domain", {"email": "a@exa mple.org"}, INVALID),
    ("no top-level domain", {"email": "a@example"}, INVALID),
    ("localhost", {"email": "a@localhost"}, INVALID),
    ("ip literal", {"email": "a@[127.0.0.1]"}, INVALID),
    ("trailing dot", {"email": "a@example.org."}, INVALID),
    ("overlong address", {"email": f"a@{LONG_DOMAIN}"}, TOO_LONG),
    ("huge address", {"email": "a" * 10_000 + "@example.org"}, TOO_LONG),
    ("overlong local part", {"email": "a" * 65 + "@example.org"}, INVALID),
    ("header injection LF", {"email": "a@example.org\nBcc: victim@example.org"}, HIDDEN),
    ("header injection CRLF", {"email": "a@example.org\r\nSubject: spam"}, HIDDEN),
    ("encoded newline", {"email": "a@example.org%0ABcc:b@example.org"}, INVALID),
    ("address list comma", {"email": "a@example.org,b@example.org"}, INVALID),
    ("address list semicolon", {"email": "a@example.org;b@example.org"}, INVALID),
    ("angle brackets", {"email": "<a@example.org>"}, INVALID),
    ("display name", {"email": "Ann <a@example.org>"}, INVALID),
    ("script payload", {"email": "<script>alert(1)</script>@example.org"}, INVALID),
    ("html payload", {"email": '"><img src=x onerror=alert(1)>@example.org'}, INVALID),
    ("javascript url", {"email": "javascript:alert(1)"}, INVALID),
    ("NUL byte", {"email": "a\x00@example.org"}, HIDDEN),
    ("only NUL", {"email": "\x00"}, HIDDEN),
    ("right-to-left override", {"email": "a\u202e@example.org"}, HIDDEN),
    ("no topic", {"interests": None}, NO_TOPIC),
    ("empty topic value", {"interests": [""]}, BAD_TOPIC),
    ("unknown topic", {"interests": ["sports"]}, BAD_TOPIC),
    ("topic by id", {"interests": ["1"]}, BAD_TOPIC),
    ("NUL in topic", {"interests": ["news-and-events\x00"]}, BAD_TOPIC),
    ("huge topic", {"interests": ["x" * 5000]}, BAD_TOPIC),
    ("good and unknown topic", {"interests": ["news-and-events", "sports"]}, BAD_TOPIC),
    ("duplicated email", {"email": ["a@example.org", "b@example.org"]}, TAMPERED),
    ("duplicated source", {"source": ["/sign-up/", "/other/"]}, TAMPERED),
    ("duplicated honeypot", {"website": ["", ""]}, TAMPERED),
    ("NUL in source", {"source": "/sign-up/\x00"}, TAMPERED),
    ("foreign source", {"source": "https://evil.example/"}, TAMPERED),
]


@pytest.fixture
def existing(interests):
    subscriber = Subscriber.objects.create(
        email="existing@example.org",
        status=Subscriber.Status.CONFIRMED,
        confirmed_at=timezone.now(),
    )
    subscriber.interests.set(interests[:1])
    return subscriber


@pytest.mark.parametrize(
    "overrides, message", [case[1:] for case in BAD_FORM_DATA], ids=[c[0] for c in BAD_FORM_DATA]
)
def test_bad_form_data_is_refused_with_a_message(existing, post_signup, overrides, message):
    data = valid_data(**overrides)
    data = {key: value for key, value in data.items() if value is not None}
    before = snapshot()
    response = post_signup(data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert snapshot() == before
    assert mail.outbox == []
    assert "<script>alert(1)" not in response.content.decode()
    assert "<img src=x" not in response.content.decode()


BAD_REQUESTS = [
    ("missing origin (no CSRF proof)", "post", {"HTTP_ORIGIN": None}, 403, FORBIDDEN),
    ("foreign origin", "post", {"HTTP_ORIGIN": "https://evil.example"}, 403, FORBIDDEN),
    ("null origin", "post", {"HTTP_ORIGIN": "null"}, 403, FORBIDDEN),
    ("other port", "post", {"HTTP_ORIGIN": "http://testserver:8080"}, 403, FORBIDDEN),
    (
        "cross-site fetch metadata",
        "post",
        {"HTTP_ORIGIN": None, "HTTP_SEC_FETCH_SITE": "cross-site"},
        403,
        FORBIDDEN,
    ),
    ("GET on the POST endpoint", "get", {}, 405, WRONG_METHOD),
    ("PUT", "put", {}, 405, WRONG_METHOD),
    ("DELETE", "delete", {}, 405, WRONG_METHOD),
]


@pytest.mark.parametrize(
    "method, headers, status, message",
    [case[1:] for case in BAD_REQUESTS],
    ids=[case[0] for case in BAD_REQUESTS],
)
def test_bad_requests_are_refused_with_a_message(
    existing, client, method, headers, status, message
):
    extra = {"HTTP_ORIGIN": SAME_ORIGIN, **headers}
    extra = {key: value for key, value in extra.items() if value is not None}
    before = snapshot()
    response = getattr(client, method)(SIGNUP_URL, valid_data(email="x@example.org"), **extra)
    assert response.status_code == status
    assert message in text_of(response)
    assert snapshot() == before
    assert mail.outbox == []
    if status == 405:
        assert response["Allow"] == "POST"


@pytest.mark.parametrize(
    "content_type, body, message",
    [
        (
            "application/json",
            '{"email": "j@example.org", "interests": ["news-and-events"]}',
            REQUIRED,
        ),
        ("multipart/form-data", "no boundary here", TAMPERED),
        ("multipart/form-data; boundary=xyz", "--xyz\r\ngarbage", REQUIRED),
        ("text/plain", "email=t@example.org", REQUIRED),
    ],
    ids=["json body", "multipart without boundary", "broken multipart", "plain text"],
)
def test_malformed_bodies_are_refused(existing, client, content_type, body, message):
    before = snapshot()
    response = client.post(SIGNUP_URL, body, content_type=content_type, HTTP_ORIGIN=SAME_ORIGIN)
    assert response.status_code == 400
    assert message in text_of(response)
    assert snapshot() == before


def test_same_origin_fetch_metadata_without_origin_is_accepted(interests, client):
    response = client.post(SIGNUP_URL, valid_data(), HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 302
    assert Subscriber.objects.count() == 1


# --- How errors look -------------------------------------------------------------------------


def test_errors_come_back_with_a_summary_inline_messages_and_the_values_kept(
    interests, post_signup
):
    data = valid_data(email="not-an-address")
    del data["interests"]
    response = post_signup(data)
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.title.get_text().startswith("There is a problem:")
    summary = soup.select_one("[data-error-summary]")
    heading = summary.find("h2")
    assert heading["tabindex"] == "-1"
    links = {a["href"]: a.get_text() for a in summary.select("a")}
    assert links == {
        "#newsletter-email": INVALID,
        "#newsletter-interest-news-and-events": NO_TOPIC,
    }
    email = soup.find("input", id="newsletter-email")
    assert email["value"] == "not-an-address"
    assert email["aria-invalid"] == "true"
    assert INVALID in soup.find(id=email["aria-describedby"]).get_text()
    fieldset = soup.find("fieldset")
    assert fieldset.legend.get_text() == "I'm interested in:"
    # Each checkbox, not only the group, is described by the message: a screen reader reads it
    # on whichever box the error summary's link lands.
    for checkbox in fieldset.find_all("input", type="checkbox"):
        assert NO_TOPIC in soup.find(id=checkbox["aria-describedby"]).get_text()


def test_ticked_topics_stay_ticked_after_an_error(interests, post_signup):
    response = post_signup(valid_data(email="", interests=["career-and-training-opportunities"]))
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find(id="newsletter-interest-career-and-training-opportunities").has_attr("checked")
    assert not soup.find(id="newsletter-interest-news-and-events").has_attr("checked")


# --- The form on the home page and the sign-up page -------------------------------------------


@pytest.mark.parametrize("url", ["/", "/sign-up/"])
def test_cacheable_pages_carry_no_csrf_token_and_set_no_cookie(client, seeded_site, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.cookies == {}
    html_text = response.content.decode()
    assert "csrfmiddlewaretoken" not in html_text
    soup = BeautifulSoup(html_text, "html.parser")
    form = soup.find("form", action=SIGNUP_URL)
    assert form["method"] == "post"
    assert form.find("label", string="Email address")
    assert form.find("fieldset").legend.get_text() == "I'm interested in:"
    topics = [label.get_text() for label in form.select("fieldset label")]
    assert topics == ["News and Events", "Career and Training Opportunities"]
    trap = form.find("input", attrs={"name": "website"})
    assert trap["tabindex"] == "-1" and trap["autocomplete"] == "off"
    assert form.find("label", attrs={"for": trap["id"]}).get_text() == "Leave this field empty"


def test_home_sidebar_signup_records_the_home_page_as_its_source(client, seeded_site, post_signup):
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    form = soup.select_one("aside form")
    assert form.find("input", attrs={"name": "source"})["value"] == "/"
    assert soup.select_one("aside h2").get_text() == "Sign up for updates"
    post_signup(valid_data(source="/"))
    assert Subscriber.objects.get().source == "/"


def test_a_home_page_cached_before_sources_were_paths_still_signs_up(
    client, seeded_site, post_signup
):
    """Its sidebar sent the marker "home sidebar"; that is the home page."""
    response = post_signup(valid_data(source="home sidebar"))
    assert response.status_code == 302
    assert Subscriber.objects.get().source == "/"


def test_editors_change_the_wording_and_topics_without_code(client, seeded_site):
    from newsletter.models import NewsletterSignupPage

    page = NewsletterSignupPage.objects.get()
    page.sidebar_heading = "Get our updates"
    page.interests_legend = "Tell me about:"
    page.save_revision().publish()
    Interest.objects.create(name="Community CPR classes", slug="cpr")
    html_text = client.get("/").content.decode()
    assert "Get our updates" in html_text and "Tell me about:" in html_text
    assert "Community CPR classes" in html_text


def test_no_topics_means_no_sidebar_box(client, seeded_site):
    Interest.objects.all().delete()
    assert "newsletter-box" not in client.get("/").content.decode()


@pytest.mark.parametrize("url, budget", [("/", QUERY_BUDGET), ("/sign-up/", 14)])
def test_query_count_does_not_grow_with_ten_times_the_topics(client, seeded_site, url, budget):
    count_queries(client, url)  # warm caches
    baseline = count_queries(client, url)
    for number in range(18):
        Interest.objects.create(name=f"Topic {number}", slug=f"topic-{number}")
    assert Interest.objects.sources().count() == 20
    assert count_queries(client, url) == baseline
    assert baseline <= budget, f"{url} ran {baseline} queries"
