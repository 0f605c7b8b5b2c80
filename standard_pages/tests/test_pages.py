"""The plain pages under the home page (the privacy notice, the accessibility statement): seeded
as samples editors replace, linked from every footer, and left as editors set them."""

from io import StringIO

from bs4 import BeautifulSoup
from wagtail.models import Site

from bostonems_site.models import HomePage, SiteSettings
from standard_pages import seed
from standard_pages.models import StandardPage
from testing.helpers import publish, soup


def test_privacy_and_accessibility_statements_are_editable_seed_pages(client, seeded_site):
    assert set(StandardPage.objects.values_list("slug", flat=True)) == {"privacy", "accessibility"}
    privacy = soup(client, "/privacy/").get_text(" ")
    assert "email address" in privacy and "7 days" in privacy
    accessibility = soup(client, "/accessibility/").get_text(" ")
    assert (
        "WCAG" in accessibility and "2.2" in accessibility and "Report a barrier" in accessibility
    )


def test_the_seed_keeps_the_footer_links_editors_chose(client, seeded_site):
    home = HomePage.objects.get(locale__language_code="en")
    own = publish(home, StandardPage(title="Our privacy promise", slug="privacy-promise"))
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.privacy_page = own
    settings.save()

    seed.load(home, StringIO())  # as `make run` does on every start

    footer = BeautifulSoup(client.get("/").content, "html.parser").select_one("footer")
    assert footer.find("a", string="Our privacy promise")["href"] == "/privacy-promise/"
    assert StandardPage.objects.filter(slug="privacy").count() == 1  # not seeded twice


def test_an_unpublished_statement_leaves_the_footer(client, seeded_site):
    StandardPage.objects.get(slug="accessibility").unpublish()
    footer = soup(client, "/").select_one("footer")
    assert "/accessibility/" not in {a["href"] for a in footer.select("a")}
    assert client.get("/accessibility/").status_code == 404
