import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from bostonems_site.models import HomePage, SiteSettings
from bostonems_site.seed import HOME_RELATED_LINKS, sample_image
from bostonems_site.tests.admin_forms import admin_post_form, updated, with_streams
from divisions.models import DivisionIndexPage

pytestmark = pytest.mark.django_db
PAGES = ["/", "/divisions/", "/divisions/field-operations/", "/search/", "/no-such-page/"]


def settings_url(site):
    return reverse("wagtailsettings:edit", args=["bostonems_site", "sitesettings", site.pk])


def soup(client, url):
    return BeautifulSoup(client.get(url).content, "html.parser")


def test_seed_puts_the_related_links_box_in_site_settings(client, seeded_site):
    footer = soup(client, "/").select_one("footer")
    links = [(a.get_text(), a["href"]) for a in footer.select("nav[aria-labelledby] a")]
    assert links == HOME_RELATED_LINKS
    # Not twice on the home page: its own related links start empty.
    assert not seeded_site.related_links.exists()


def test_an_editor_changes_settings_in_the_admin_and_every_page_follows(
    admin_client, client, seeded_site
):
    site = seeded_site.get_site()
    url = settings_url(site)
    form = admin_post_form(admin_client, url)
    form = updated(
        form,
        department_name="Boston Emergency Medical Services",
        main_phone="617-555-0142",
        email="info@example.org",
        address="1 City Hall Square\nBoston, MA 02201",
    )
    form = with_streams(
        form,
        social_links=[("link", {"name": "Facebook", "url": "https://www.facebook.com/example"})],
        related_links=[
            ("link", {"title": "City of Boston", "page": "", "url": "https://www.boston.gov/"})
        ],
    )
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    for page_url in PAGES:
        html = client.get(page_url).content.decode()
        page = BeautifulSoup(html, "html.parser")
        assert page.select_one(".site-header__name").get_text(strip=True) == (
            "Boston Emergency Medical Services"
        ), page_url
        footer = page.select_one("footer")
        assert footer.find("a", href="tel:6175550142"), page_url
        assert footer.find("a", href="mailto:info@example.org"), page_url
        assert "1 City Hall Square" in footer.get_text(), page_url
        assert footer.find("a", href="https://www.facebook.com/example"), page_url
        assert [a.get_text() for a in footer.select("nav a")] == ["City of Boston", "Facebook"]


def test_logo_social_links_and_related_links_show_on_every_page(client, seeded_site):
    site_settings = SiteSettings.for_site(seeded_site.get_site())
    site_settings.logo = sample_image("Department logo", "Boston EMS logo", size=(512, 512))
    divisions = DivisionIndexPage.objects.get()
    site_settings.social_links = [
        ("link", {"name": "Facebook", "url": "https://www.facebook.com/example"}),
    ]
    site_settings.related_links = [
        ("link", {"title": "All our divisions", "page": divisions, "url": ""}),
        ("link", {"title": "City of Boston", "page": None, "url": "https://www.boston.gov/"}),
    ]
    site_settings.save()
    for page_url in PAGES:
        page = soup(client, page_url)
        logo = page.select_one(".site-header__name img")
        assert logo is not None and logo["alt"] == "", page_url  # the name beside it says it
        assert logo.get("width") and logo.get("height"), page_url
        footer = page.select_one("footer")
        assert footer.find("a", href="https://www.facebook.com/example").get_text() == "Facebook"
        assert footer.find("a", string="All our divisions")["href"] == "/divisions/"
        assert footer.find("a", string="City of Boston")["href"] == "https://www.boston.gov/"


def test_a_related_link_to_an_unpublished_page_disappears(client, seeded_site):
    site_settings = SiteSettings.for_site(seeded_site.get_site())
    divisions = DivisionIndexPage.objects.get()
    site_settings.related_links = [("link", {"title": "Divisions", "page": divisions, "url": ""})]
    site_settings.save()
    divisions.unpublish()
    assert not soup(client, "/").select_one("footer").find("a", string="Divisions")


def test_admin_rejects_a_related_link_with_both_a_page_and_an_address(admin_client, seeded_site):
    from wagtail.blocks import StructBlockValidationError

    from bostonems_site.blocks import LinkBlock

    block = LinkBlock()
    value = block.to_python({"title": "Both", "page": seeded_site.pk, "url": "https://a.example"})
    with pytest.raises(StructBlockValidationError):
        block.clean(value)


def test_security_contact_must_be_mail_or_https(admin_client, seeded_site):
    url = settings_url(seeded_site.get_site())
    form = updated(admin_post_form(admin_client, url), security_contact="call us")
    form = with_streams(form, social_links=[], related_links=[])
    response = admin_client.post(url, form)
    assert response.status_code == 200
    assert "Start with" in response.content.decode()
    assert SiteSettings.for_site(seeded_site.get_site()).security_contact != "call us"


def test_home_page_keeps_its_own_related_links(client, seeded_site):
    from bostonems_site.models import HomePageRelatedLink

    HomePageRelatedLink.objects.create(
        page=seeded_site, title="Home only link", link_url="https://example.org/home-only"
    )
    home = HomePage.objects.get(locale__language_code="en")
    aside = soup(client, home.url).select_one("aside")
    assert aside.find("a", string="Home only link")


def test_migration_moves_home_page_links_into_site_settings(client, seeded_site):
    """Databases from before site-wide related links kept the seed's links on the home page."""
    from importlib import import_module

    from django.apps import apps

    from bostonems_site.models import HomePageRelatedLink

    migration = import_module(
        "bostonems_site.migrations.0003_move_home_related_links_to_site_settings"
    )
    site = seeded_site.get_site()
    SiteSettings.objects.filter(site=site).update(related_links=[])
    divisions = DivisionIndexPage.objects.get()
    HomePageRelatedLink.objects.create(page=seeded_site, title="Divisions", link_page=divisions)
    HomePageRelatedLink.objects.create(page=seeded_site, title="City", link_url="https://b.gov/")
    migration.forwards(apps, None)
    links = [
        (block.value["title"], block.value["page"], block.value["url"])
        for block in SiteSettings.objects.get(site=site).related_links
    ]
    assert links == [("Divisions", divisions.page_ptr, ""), ("City", None, "https://b.gov/")]
    assert not HomePageRelatedLink.objects.exists()
    footer = soup(client, "/").select_one("footer")
    assert footer.find("a", string="Divisions")["href"] == "/divisions/"
