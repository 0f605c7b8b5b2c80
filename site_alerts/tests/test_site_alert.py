from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale

from divisions.models import DivisionIndexPage
from site_alerts.models import SiteAlert
from testing.admin_forms import admin_post_form, updated
from testing.helpers import show_site_alert

pytestmark = pytest.mark.django_db
PAGES = ["/", "/divisions/", "/divisions/field-operations/", "/search/?q=ems", "/missing/"]


def alert_regions(client, url="/"):
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    return soup.select(".site-alert")


def alert_region(client, url="/"):
    regions = alert_regions(client, url)
    return regions[0] if regions else None


def spanish_translation(alert, **wording):
    translation = alert.copy_for_translation(Locale.objects.get(language_code="es"))
    for name, value in wording.items():
        setattr(translation, name, value)
    translation.save()
    return translation


def test_no_alert_until_an_editor_switches_one_on(client, seeded_site):
    assert alert_region(client) is None
    show_site_alert(enabled=False)
    assert alert_region(client) is None


def test_an_active_alert_shows_on_every_page_as_a_labelled_region(client, seeded_site):
    show_site_alert(level=SiteAlert.URGENT)
    for url in PAGES:
        region = alert_region(client, url)
        assert region is not None, url
        assert region.name == "section"
        heading = region.find(id=region["aria-labelledby"])
        assert heading.get_text() == "Snow emergency"
        assert "Expect delays." in region.get_text()
        assert "site-alert--urgent" in region["class"]
        assert region.get("role") != "dialog" and not region.find(attrs={"aria-modal": True})


def test_several_alerts_show_urgent_first_each_with_its_own_heading(client, seeded_site):
    show_site_alert(title="Road closures", level=SiteAlert.INFO)
    SiteAlert.objects.create(
        locale=Locale.get_default(),
        enabled=True,
        level=SiteAlert.URGENT,
        title="Heat emergency",
        message="Cooling centres are open.",
    )
    regions = alert_regions(client)
    titles = [region.find(id=region["aria-labelledby"]).get_text() for region in regions]
    assert titles == ["Heat emergency", "Road closures"]


def test_alert_appears_at_its_start_and_ends_by_itself(client, seeded_site):
    now = timezone.now()
    show_site_alert(starts_at=now + timedelta(minutes=5), ends_at=now + timedelta(hours=1))
    assert alert_region(client) is None  # not started yet
    show_site_alert(starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1))
    assert alert_region(client) is not None  # running
    alert = show_site_alert(starts_at=now - timedelta(hours=2), ends_at=now - timedelta(seconds=1))
    assert alert_region(client) is None  # ended, without anyone publishing anything
    assert alert.enabled
    assert alert.is_active(now - timedelta(minutes=30))
    assert not alert.is_active(now)


def test_alert_links_to_a_page_or_an_address(client, seeded_site):
    divisions = DivisionIndexPage.objects.get()
    show_site_alert(link_page=divisions, link_text="Which divisions are affected")
    link = alert_region(client).find("a")
    assert (link["href"], link.get_text()) == ("/divisions/", "Which divisions are affected")
    show_site_alert(link_page=None, link_url="https://www.boston.gov/", link_text="City advisory")
    assert alert_region(client).find("a")["href"] == "https://www.boston.gov/"


def test_alert_text_is_escaped(client, seeded_site):
    show_site_alert(title="<script>alert(1)</script>")
    html = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_spanish_pages_show_the_spanish_alert_while_it_is_up_to_date(client, translated_site):
    alert = show_site_alert(title="Snow emergency", message="Park off main roads.")
    spanish_translation(alert, title="Emergencia por nieve", message="No estacione en vías.")
    region = alert_region(client, "/es/")
    assert "Emergencia por nieve" in region.get_text() and region.get("lang") is None
    assert "Snow emergency" in alert_region(client, "/").get_text()
    # The English alert changes: until the translation is updated, Spanish pages show the
    # English wording (marked as English for screen readers), never the outdated Spanish.
    show_site_alert(message="Now also: no parking on side streets.")
    region = alert_region(client, "/es/")
    assert "no parking on side streets" in region.get_text() and region["lang"] == "en"


def test_switching_or_scheduling_the_english_alert_governs_its_translations(
    client, translated_site
):
    alert = show_site_alert(level=SiteAlert.URGENT)
    spanish = spanish_translation(alert, title="Emergencia por nieve", message="Retrasos.")
    spanish.enabled, spanish.level = False, SiteAlert.INFO  # stale copies of the settings
    spanish.save()
    region = alert_region(client, "/es/")
    assert "Emergencia por nieve" in region.get_text()
    assert "site-alert--urgent" in region["class"]
    show_site_alert(enabled=False)
    assert alert_region(client, "/es/") is None


def add_url():
    return reverse("wagtailsnippets_site_alerts_sitealert:add")


def test_an_editor_switches_an_alert_on_in_the_admin(admin_client, client, seeded_site):
    now = timezone.localtime()
    form = updated(
        admin_post_form(admin_client, add_url(), form_id="w-editor-form"),
        enabled="on",
        level="info",
        title="Road closures downtown",
        message="Ambulances are taking other routes.",
        starts_at=(now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
        ends_at=(now + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
    )
    response = admin_client.post(add_url(), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    region = alert_region(client)
    assert region is not None and "Road closures downtown" in region.get_text()
    assert "site-alert--info" in region["class"]


def test_an_editor_starts_a_translation_of_an_alert(admin_client, translated_site):
    alert = show_site_alert()
    french = Locale.objects.get(language_code="fr")
    url = reverse(
        "wagtail_localize:submit_snippet_translation",
        args=["site_alerts", "sitealert", alert.pk],
    )
    response = admin_client.post(url, {"locales": [french.pk]})
    assert response.status_code == 302
    assert alert.get_translation(french).title == "Snow emergency"


@pytest.mark.parametrize(
    "changes, explanation",
    [
        ({"message": ""}, "This field is required."),
        ({"link_url": "https://www.boston.gov/", "link_text": ""}, "Write the text of the link."),
        (
            {"starts_at": "2030-01-02 10:00", "ends_at": "2030-01-01 10:00"},
            "The end must be after the start.",
        ),
        (
            {"link_url": "https://www.boston.gov/", "link_text": "More", "link_page": "3"},
            "Choose a page on this site or enter an external address (one of the two).",
        ),
    ],
)
def test_admin_explains_what_is_wrong_with_an_alert(
    admin_client, seeded_site, changes, explanation
):
    base = {"enabled": "on", "title": "Heat advisory", "message": "Stay cool."}
    changes = {**changes}
    if "link_page" in changes:
        changes["link_page"] = str(DivisionIndexPage.objects.get().pk)
    form = updated(
        admin_post_form(admin_client, add_url(), form_id="w-editor-form"), **{**base, **changes}
    )
    response = admin_client.post(add_url(), form)
    assert response.status_code == 200
    assert explanation in response.content.decode()
    assert not SiteAlert.objects.exists()
