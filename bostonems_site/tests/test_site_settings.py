import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from bostonems_site.models import HomePage, SiteSettings, SiteText
from bostonems_site.seed import HOME_RELATED_LINKS, sample_image
from divisions.models import DivisionIndexPage
from testing.admin_forms import admin_post_form, updated, with_streams
from testing.helpers import soup

pytestmark = pytest.mark.django_db
EDITOR_FORM = "w-editor-form"  # snippet edit views hold more than one form
PAGES = ["/", "/divisions/", "/divisions/field-operations/", "/search/", "/no-such-page/"]


def settings_url(site):
    return reverse("wagtailsettings:edit", args=["bostonems_site", "sitesettings", site.pk])


def site_text_url(site_text):
    return reverse("wagtailsnippets_bostonems_site_sitetext:edit", args=[site_text.pk])


def english_site_text():
    return SiteText.objects.get(locale__language_code="en")


def test_seed_puts_the_related_links_box_in_site_settings(client, seeded_site):
    footer = soup(client, "/").select_one("footer")
    related = footer.select_one("nav[aria-labelledby=footer-related-heading]")
    links = [(a.get_text(), a["href"]) for a in related.select("a")]
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
    )
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    url = site_text_url(SiteText.objects.get(locale__language_code="en"))
    form = with_streams(
        admin_post_form(admin_client, url, form_id=EDITOR_FORM),
        related_links=[
            (
                "link",
                {"title": "City of Boston", "page": "", "external_url": "https://www.boston.gov/"},
            )
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
        assert [a.get_text() for a in footer.select("nav a")] == [
            "City of Boston",
            "Privacy notice",
            "Accessibility statement",
            "Site map (XML)",
            "Facebook",
        ]


def test_logo_social_links_and_related_links_show_on_every_page(client, seeded_site):
    site_settings = SiteSettings.for_site(seeded_site.get_site())
    site_settings.logo = sample_image("Department logo", "Boston EMS logo", size=(512, 512))
    divisions = DivisionIndexPage.objects.get()
    site_settings.social_links = [
        ("link", {"name": "Facebook", "url": "https://www.facebook.com/example"}),
    ]
    site_settings.save()
    site_text = english_site_text()
    site_text.related_links = [
        ("link", {"title": "All our divisions", "page": divisions, "external_url": ""}),
        (
            "link",
            {"title": "City of Boston", "page": None, "external_url": "https://www.boston.gov/"},
        ),
    ]
    site_text.save()
    for page_url in PAGES:
        page = soup(client, page_url, status=None)  # the 404 page too
        logo = page.select_one(".site-header__name img")
        assert logo is not None and logo["alt"] == "", page_url  # the name beside it says it
        assert logo.get("width") and logo.get("height"), page_url
        footer = page.select_one("footer")
        assert footer.find("a", href="https://www.facebook.com/example").get_text() == "Facebook"
        assert footer.find("a", string="All our divisions")["href"] == "/divisions/"
        assert footer.find("a", string="City of Boston")["href"] == "https://www.boston.gov/"


def test_a_related_link_to_an_unpublished_page_disappears(client, seeded_site):
    site_text = english_site_text()
    divisions = DivisionIndexPage.objects.get()
    site_text.related_links = [
        ("link", {"title": "Divisions", "page": divisions, "external_url": ""})
    ]
    site_text.save()
    divisions.unpublish()
    assert not soup(client, "/").select_one("footer").find("a", string="Divisions")


def test_admin_rejects_a_related_link_with_both_a_page_and_an_address(admin_client, seeded_site):
    from wagtail.blocks import StructBlockValidationError

    from bostonems_site.blocks import LinkBlock

    block = LinkBlock()
    value = block.to_python(
        {"title": "Both", "page": seeded_site.pk, "external_url": "https://a.example"}
    )
    with pytest.raises(StructBlockValidationError):
        block.clean(value)


def test_security_contact_must_be_mail_or_https(admin_client, seeded_site):
    url = settings_url(seeded_site.get_site())
    form = updated(admin_post_form(admin_client, url), security_contact="call us")
    form = with_streams(form, social_links=[])
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


def test_site_wide_text_is_edited_once_per_language(admin_client, seeded_site):
    url = reverse("wagtailsnippets_bostonems_site_sitetext:add")
    form = with_streams(admin_post_form(admin_client, url, form_id=EDITOR_FORM), related_links=[])
    response = admin_client.post(url, form)
    assert response.status_code == 200
    assert "This language already has its site-wide text" in response.content.decode()
    assert SiteText.objects.count() == 1


def test_spanish_pages_show_the_spanish_site_wide_text(client, translated_site):
    footer = soup(client, "/es/").select_one("footer")
    assert footer.find("a", href="tel:911").get_text() == "En una emergencia, llame al 9-1-1"
    assert footer.find("a", string="Ciudad de Boston")["href"] == "https://www.boston.gov/"
    response = client.get("/es/no-such-page/")
    assert response.status_code == 404
    assert BeautifulSoup(response.content, "html.parser").h1.get_text() == "Página no encontrada"
    # English pages, and languages without their own version, keep the English text.
    for url in ("/", "/divisions/"):
        footer = soup(client, url).select_one("footer")
        assert footer.find("a", href="tel:911").get_text() == "In an emergency, call 9-1-1"


def test_an_editor_starts_a_translation_of_the_site_wide_text(admin_client, translated_site):
    from wagtail.models import Locale

    french = Locale.objects.get(language_code="fr")
    url = reverse(
        "wagtail_localize:submit_snippet_translation",
        args=["bostonems_site", "sitetext", english_site_text().pk],
    )
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"locales": [french.pk]})
    assert response.status_code == 302
    assert english_site_text().get_translation(french).emergency_text == (
        "In an emergency, call 9-1-1"
    )
