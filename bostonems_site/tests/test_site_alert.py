from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from bostonems_site.models import SiteAlert
from bostonems_site.tests.admin_forms import admin_post_form, updated
from divisions.models import DivisionIndexPage

pytestmark = pytest.mark.django_db
PAGES = ["/", "/divisions/", "/divisions/field-operations/", "/search/?q=ems", "/missing/"]


def alert_region(client, url="/"):
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    return soup.select_one(".site-alert")


def set_alert(site, **fields):
    alert = SiteAlert.for_site(site)
    values = {"enabled": True, "title": "Snow emergency", "message": "Expect delays.", **fields}
    for name, value in values.items():
        setattr(alert, name, value)
    alert.full_clean()
    alert.save()
    return alert


def test_no_alert_until_an_editor_switches_one_on(client, seeded_site):
    assert alert_region(client) is None
    set_alert(seeded_site.get_site(), enabled=False)
    assert alert_region(client) is None


def test_an_active_alert_shows_on_every_page_as_a_labelled_region(client, seeded_site):
    set_alert(seeded_site.get_site(), level=SiteAlert.URGENT)
    for url in PAGES:
        region = alert_region(client, url)
        assert region is not None, url
        assert region.name == "section"
        heading = region.find(id=region["aria-labelledby"])
        assert heading.get_text() == "Snow emergency"
        assert "Expect delays." in region.get_text()
        assert "site-alert--urgent" in region["class"]
        assert region.get("role") != "dialog" and not region.find(attrs={"aria-modal": True})


def test_alert_appears_at_its_start_and_ends_by_itself(client, seeded_site):
    now = timezone.now()
    site = seeded_site.get_site()
    set_alert(site, starts_at=now + timedelta(minutes=5), ends_at=now + timedelta(hours=1))
    assert alert_region(client) is None  # not started yet
    set_alert(site, starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1))
    assert alert_region(client) is not None  # running
    set_alert(site, starts_at=now - timedelta(hours=2), ends_at=now - timedelta(seconds=1))
    assert alert_region(client) is None  # ended, without anyone publishing anything
    alert = SiteAlert.for_site(site)
    assert alert.enabled
    assert alert.is_active(now - timedelta(minutes=30))
    assert not alert.is_active(now)


def test_alert_links_to_a_page_or_an_address(client, seeded_site):
    site = seeded_site.get_site()
    divisions = DivisionIndexPage.objects.get()
    set_alert(site, link_page=divisions, link_text="Which divisions are affected")
    link = alert_region(client).find("a")
    assert (link["href"], link.get_text()) == ("/divisions/", "Which divisions are affected")
    set_alert(site, link_page=None, link_url="https://www.boston.gov/", link_text="City advisory")
    assert alert_region(client).find("a")["href"] == "https://www.boston.gov/"


def test_alert_text_is_escaped(client, seeded_site):
    set_alert(seeded_site.get_site(), title="<script>alert(1)</script>")
    html = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def alert_url(site):
    return reverse("wagtailsettings:edit", args=["bostonems_site", "sitealert", site.pk])


def test_an_editor_switches_the_alert_on_in_the_admin(admin_client, client, seeded_site):
    site = seeded_site.get_site()
    url = alert_url(site)
    now = timezone.localtime()
    form = updated(
        admin_post_form(admin_client, url),
        enabled="on",
        level="info",
        title="Road closures downtown",
        message="Ambulances are taking other routes.",
        starts_at=(now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
        ends_at=(now + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
    )
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    region = alert_region(client)
    assert region is not None and "Road closures downtown" in region.get_text()
    assert "site-alert--info" in region["class"]


@pytest.mark.parametrize(
    "changes, explanation",
    [
        ({"message": ""}, "Needed while the alert is switched on."),
        ({"link_url": "https://www.boston.gov/", "link_text": ""}, "Write the text of the link."),
        (
            {"starts_at": "2030-01-02 10:00", "ends_at": "2030-01-01 10:00"},
            "The end must be after the start.",
        ),
    ],
)
def test_admin_explains_what_is_wrong_with_an_alert(
    admin_client, seeded_site, changes, explanation
):
    url = alert_url(seeded_site.get_site())
    base = {"enabled": "on", "title": "Heat advisory", "message": "Stay cool."}
    form = updated(admin_post_form(admin_client, url), **{**base, **changes})
    response = admin_client.post(url, form)
    assert response.status_code == 200
    assert explanation in response.content.decode()
    assert not SiteAlert.for_site(seeded_site.get_site()).enabled
