"""Topics (Interest) translated with wagtail-localize: visitors and subscribers see
the names in their language, English when a topic is not translated; the English rows stay the
topics that subscribers, sending and the admin use."""

import html
import re

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from wagtail.models import Locale

from newsletter.models import Interest, Subscriber
from newsletter.tests.conftest import valid_data
from newsletter.tokens import make_preferences_token
from testing.helpers import QUERY_BUDGET, count_queries

pytestmark = pytest.mark.django_db
Status = Subscriber.Status
BOTH = ["news-and-events", "career-and-training-opportunities"]
SPANISH = ["Noticias y eventos", "Oportunidades de carrera y capacitación"]
ENGLISH = ["News and Events", "Career and Training Opportunities"]


def topic_labels(response, prefix="newsletter-"):
    """(value, label) of each topic checkbox of the form with the id prefix."""
    soup = BeautifulSoup(response.content, "html.parser")
    boxes = soup.select(f'input[name="interests"][id^="{prefix}interest-"]')
    return [
        (box["value"], soup.find("label", attrs={"for": box["id"]}).get_text()) for box in boxes
    ]


def spanish(slug):
    return Interest.objects.get(locale__language_code="es", slug=slug)


def english(slug):
    return Interest.objects.sources().get(slug=slug)


# --- The migration ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_the_topics_and_the_subscribers_choices():
    """Topics created before the topics were translatable become the English rows, each with
    its own translation key, and subscribers keep exactly their topics."""
    from bostonems_site.seed import ensure_locales

    ensure_locales()  # a flushed test database lost the locale Wagtail's migration created
    before = [("newsletter", "0004_managers_send_mailings")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        OldInterest = old.get_model("newsletter", "Interest")
        OldSubscriber = old.get_model("newsletter", "Subscriber")
        news = OldInterest.objects.create(name=ENGLISH[0], slug=BOTH[0], sort_order=1)
        careers = OldInterest.objects.create(name=ENGLISH[1], slug=BOTH[1], sort_order=2)
        ann = OldSubscriber.objects.create(email="ann@example.org", status="confirmed")
        ann.interests.set([news, careers])
        bob = OldSubscriber.objects.create(email="bob@example.org", status="pending")
        bob.interests.set([careers])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)

    rows = list(Interest.objects.order_by("sort_order"))
    assert [(row.pk, row.name, row.slug) for row in rows] == [
        (news.pk, ENGLISH[0], BOTH[0]),
        (careers.pk, ENGLISH[1], BOTH[1]),
    ]
    assert {row.locale_id for row in rows} == {Locale.get_default().pk}
    keys = [row.translation_key for row in rows]
    assert None not in keys and len(set(keys)) == 2
    assert set(Subscriber.objects.get(pk=ann.pk).interests.all()) == set(rows)
    assert list(Subscriber.objects.get(pk=bob.pk).interests.all()) == [rows[1]]


# --- What visitors see -----------------------------------------------------------------------


def test_spanish_signup_page_shows_spanish_topic_names(client, spanish_signup_page):
    response = client.get("/es/sign-up/")
    assert response.status_code == 200
    assert topic_labels(response) == list(zip(BOTH, SPANISH, strict=True))
    # The English page is unchanged.
    assert topic_labels(client.get("/sign-up/")) == list(zip(BOTH, ENGLISH, strict=True))


def test_spanish_home_sidebar_shows_spanish_topic_names(client, translated_site):
    response = client.get("/es/")
    assert topic_labels(response, "sidebar-newsletter-") == list(zip(BOTH, SPANISH, strict=True))


def test_untranslated_topic_falls_back_to_english(client, spanish_signup_page):
    Interest.objects.create(name="Community CPR classes", slug="cpr")
    assert topic_labels(client.get("/es/sign-up/")) == [
        *zip(BOTH, SPANISH, strict=True),
        ("cpr", "Community CPR classes"),
    ]


def test_order_comes_from_the_english_topics(client, spanish_signup_page):
    # The translations' own sort order is ignored: editors order the English topics.
    spanish(BOTH[0]).__class__.objects.filter(locale__language_code="es").update(sort_order=0)
    Interest.objects.filter(pk=english(BOTH[0]).pk).update(sort_order=5)
    labels = [label for _, label in topic_labels(client.get("/es/sign-up/"))]
    assert labels == [SPANISH[1], SPANISH[0]]


def test_spanish_signup_stores_the_english_topics_and_emails_spanish_names(
    spanish_signup_page, post_signup
):
    count = Interest.objects.count()
    response = post_signup(valid_data(source="/es/sign-up/", interests=BOTH))
    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.language_code == "es"
    assert set(subscriber.interests.all()) == {english(slug) for slug in BOTH}
    assert Interest.objects.count() == count  # nothing created
    message = mail.outbox[0]
    assert message.subject == "Confirme su suscripción a Boston EMS"
    for name in SPANISH:
        assert f"- {name}" in message.body
    assert "News and Events" not in message.body
    html_body = message.alternatives[0][0]
    assert "Noticias y eventos" in html.unescape(html_body)


def test_spanish_form_with_errors_is_shown_again_with_spanish_names(
    client, spanish_signup_page, post_signup
):
    response = post_signup(valid_data(source="/es/sign-up/", email="not-an-address"))
    assert response.status_code == 400
    assert response["Content-Language"] == "es"
    assert topic_labels(response) == list(zip(BOTH, SPANISH, strict=True))
    assert not Subscriber.objects.exists()


def test_a_translated_topic_cannot_be_stored_as_a_subscribers_topic(
    spanish_signup_page, post_signup
):
    """The Spanish rows share the English slugs, yet the form's values always resolve to the
    English topics; an unknown slug is refused."""
    post_signup(valid_data(source="/es/sign-up/", interests=[BOTH[1]]))
    assert list(Subscriber.objects.get().interests.all()) == [english(BOTH[1])]
    response = post_signup(
        valid_data(email="other@example.org", source="/es/sign-up/", interests=["noticias"])
    )
    assert response.status_code == 400


def test_preferences_page_in_the_subscribers_language(client, spanish_signup_page):
    subscriber = Subscriber.objects.create(
        email="ana@example.org", status=Status.CONFIRMED, language_code="es"
    )
    subscriber.interests.set([english(BOTH[0])])
    url = reverse("newsletter:preferences", args=[make_preferences_token(subscriber)])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.html["lang"] == "es"
    assert soup.h1.get_text() == "Sus preferencias de correo"
    assert topic_labels(response, "preferences-") == list(zip(BOTH, SPANISH, strict=True))
    assert soup.find("input", attrs={"value": BOTH[0]}).has_attr("checked")
    # Saving stores the English topics.
    response = client.post(url, {"action": "save", "interests": BOTH})
    assert response.status_code == 302
    assert set(subscriber.interests.all()) == {english(slug) for slug in BOTH}


def test_update_email_names_the_topic_in_the_subscribers_language(spanish_signup_page):
    from news.models import NewsPage
    from newsletter.sending import deliver, start_mailing

    page = NewsPage.objects.live().filter(kind="news").first()
    for email, language in (("ana@example.org", "es"), ("ann@example.org", "en")):
        subscriber = Subscriber.objects.create(
            email=email, status=Status.CONFIRMED, language_code=language
        )
        subscriber.interests.set([english(BOTH[0])])
    mailing = start_mailing(page, None)
    assert deliver(mailing.pk) == 2
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert '"Noticias y eventos"' in bodies["ana@example.org"]
    assert '"News and Events"' in bodies["ann@example.org"]


def test_deleting_a_topic_deletes_its_translations(client, spanish_signup_page):
    english(BOTH[0]).delete()
    assert not Interest.objects.filter(slug=BOTH[0]).exists()
    assert [label for _, label in topic_labels(client.get("/es/sign-up/"))] == [SPANISH[1]]


def test_renaming_the_english_code_renames_the_translations_code(seeded_site):
    topic = english(BOTH[0])
    topic.slug = "news"
    topic.save()
    assert spanish("news").name == SPANISH[0]


@pytest.mark.parametrize("url", ["/", "/es/", "/es/sign-up/"])
def test_query_count_does_not_grow_with_ten_times_the_translated_topics(
    client, translated_site, spanish_signup_page, url
):
    """x10 topics, each translated into Spanish: the same number of queries on English and
    Spanish pages (one query fetches the topics of both languages, whatever their number)."""
    spanish_locale = Locale.objects.get(language_code="es")
    count_queries(client, url)  # warm caches
    baseline = count_queries(client, url)
    for number in range(18):
        topic = Interest.objects.create(name=f"Topic {number}", slug=f"topic-{number}")
        translation = topic.copy_for_translation(spanish_locale)
        translation.name = f"Tema {number}"
        translation.save()
    assert Interest.objects.sources().count() == 20
    assert count_queries(client, url) == baseline
    assert baseline <= QUERY_BUDGET, f"{url} ran {baseline} queries"
    if url != "/":
        assert "Tema 17" in client.get(url).content.decode()


# --- The admin -------------------------------------------------------------------------------

INTERESTS_ADMIN = "/admin/interests/"


def test_listing_shows_the_english_topics_with_a_translate_action(admin_client, seeded_site):
    response = admin_client.get(INTERESTS_ADMIN)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    for name in ENGLISH:
        assert name in page
    assert SPANISH[0] not in page  # translations are under the Locale filter
    news = english(BOTH[0])
    translate_url = reverse(
        "wagtail_localize:submit_snippet_translation", args=["newsletter", "interest", news.pk]
    )
    assert translate_url in page
    assert f"{INTERESTS_ADMIN}?ordering=sort_order" in page  # "Sort item order"
    spanish_listing = html.unescape(
        admin_client.get(INTERESTS_ADMIN + "?locale=es").content.decode()
    )
    assert SPANISH[0] in spanish_listing and ENGLISH[0] not in spanish_listing


def test_editor_translates_a_topic_through_wagtail_localize(admin_client, client, seeded_site):
    """Translate → choose French → the segment editor; once the name's segment is translated
    and published, a French subscriber's preferences page shows it."""
    from wagtail_localize.models import StringSegment, StringTranslation, Translation

    news = english(BOTH[0])
    french = Locale.objects.get(language_code="fr")
    url = reverse(
        "wagtail_localize:submit_snippet_translation", args=["newsletter", "interest", news.pk]
    )
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"locales": [french.pk]})
    assert response.status_code == 302
    translated = news.get_translation(french)
    assert translated.slug == news.slug  # synchronised, not translated
    assert admin_client.get(response["Location"]).status_code == 200  # the segment editor

    translation = Translation.objects.get(source__object_id=news.translation_key)
    segments = StringSegment.objects.filter(source=translation.source)
    assert [segment.string.data for segment in segments] == [ENGLISH[0]]  # only the name
    segment = segments.get()
    StringTranslation.objects.create(
        translation_of=segment.string,
        locale=french,
        context=segment.context,
        data="Actualités et événements",
    )
    translation.save_target(user=None, publish=True)
    assert Interest.objects.get(pk=translated.pk).name == "Actualités et événements"

    subscriber = Subscriber.objects.create(
        email="luc@example.org", status=Status.CONFIRMED, language_code="fr"
    )
    response = client.get(
        reverse("newsletter:preferences", args=[make_preferences_token(subscriber)])
    )
    assert ("news-and-events", "Actualités et événements") in topic_labels(response, "preferences-")


def test_new_topics_are_english_even_from_another_language(admin_client, seeded_site):
    add_url = f"{INTERESTS_ADMIN}add/?locale=es"
    response = admin_client.post(add_url, {"name": "Community CPR classes", "slug": ""})
    assert response.status_code == 302
    topic = Interest.objects.get(name="Community CPR classes")
    assert topic.locale == Locale.get_default() and topic.slug == "community-cpr-classes"


def test_duplicate_names_get_a_message_not_an_error_page(admin_client, seeded_site):
    response = admin_client.post(f"{INTERESTS_ADMIN}add/", {"name": ENGLISH[0], "slug": ""})
    assert response.status_code == 200
    assert "There is already a topic with this name in this language." in response.content.decode()
    # The same name in another language is fine: the Spanish translation can keep the name.
    translation = spanish(BOTH[1])
    edit_url = f"{INTERESTS_ADMIN}edit/{translation.pk}/"
    response = admin_client.post(edit_url, {"name": ENGLISH[1], "slug": "tampered"})
    assert response.status_code == 302
    translation.refresh_from_db()
    assert translation.name == ENGLISH[1] and translation.slug == BOTH[1]  # code kept


def test_reordering_applies_to_the_english_topics(admin_client, client, spanish_signup_page):
    news, careers = english(BOTH[0]), english(BOTH[1])
    response = admin_client.post(f"{INTERESTS_ADMIN}reorder/{careers.pk}/?position=0")
    assert response.status_code == 200
    assert list(Interest.objects.sources()) == [careers, news]
    labels = [label for _, label in topic_labels(client.get("/es/sign-up/"))]
    assert labels == [SPANISH[1], SPANISH[0]]
    # A translation has no place of its own in the order.
    response = admin_client.post(f"{INTERESTS_ADMIN}reorder/{spanish(BOTH[0]).pk}/?position=0")
    assert response.status_code == 404


def test_subscriber_filters_offer_the_english_topics_only(admin_client, seeded_site):
    page = html.unescape(admin_client.get("/admin/subscribers/").content.decode())
    values = re.findall(r'name="interests" value="(\d+)"', page)
    assert sorted(map(int, values)) == sorted(english(slug).pk for slug in BOTH)


def test_english_topic_lists_its_translations_and_managers_rename_one(
    admin_client, django_user_model, client, spanish_signup_page
):
    from newsletter.permissions import MANAGERS_GROUP
    from newsletter.tests.test_admin import login_as

    translation = spanish(BOTH[0])
    edit_page = admin_client.get(f"{INTERESTS_ADMIN}edit/{english(BOTH[0]).pk}/")
    assert f"{INTERESTS_ADMIN}edit/{translation.pk}/" in edit_page.content.decode()
    assert topic_labels(client.get("/es/sign-up/"))[0][1] == SPANISH[0]  # now in the page cache
    manager = login_as(django_user_model, MANAGERS_GROUP)
    response = manager.post(
        f"{INTERESTS_ADMIN}edit/{translation.pk}/", {"name": "Noticias", "slug": BOTH[0]}
    )
    assert response.status_code == 302
    labels = [label for _, label in topic_labels(client.get("/es/sign-up/"))]
    assert labels == ["Noticias", SPANISH[1]]  # saving a topic purged the page cache
