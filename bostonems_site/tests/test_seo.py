import json
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from wagtail.models import Page, Site

from bostonems_site.models import HomePage, SiteSettings
from bostonems_site.seed import sample_image
from divisions.models import DivisionPage
from testing.helpers import sitemap_locations, soup

pytestmark = pytest.mark.django_db


def json_ld(page_soup):
    return [
        json.loads(tag.string) for tag in page_soup.find_all("script", type="application/ld+json")
    ]


def meta(page_soup, **attrs):
    tag = page_soup.find("meta", attrs=attrs)
    return tag["content"] if tag else None


def test_sitemap_lists_every_live_page_with_the_sites_absolute_address(client, seeded_site):
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "www.boston-ems.example", 443
    site.save()
    DivisionPage.objects.get(slug="training").unpublish()
    locations = sitemap_locations(client)
    live = Page.objects.live().filter(depth__gt=1).order_by("path")
    assert locations == [f"https://www.boston-ems.example{page.url_path[5:]}" for page in live]
    assert "https://www.boston-ems.example/divisions/training/" not in locations


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out(client, seeded_site):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines and "Disallow: /search/" in lines
    root = Site.objects.get(is_default_site=True).root_url
    assert f"Sitemap: {root}/sitemap.xml" in lines


def test_security_txt_expires_in_the_future_counted_from_each_request(client, seeded_site):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines() if line)
    assert fields["Contact"] == "mailto:security@boston.gov"
    assert fields["Preferred-Languages"] == "en"
    root = Site.objects.get(is_default_site=True).root_url
    assert fields["Canonical"] == f"{root}/.well-known/security.txt"
    expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    now = datetime.now(UTC)
    # RFC 9116: in the future, and less than a year away.
    assert now + timedelta(days=150) < expires < now + timedelta(days=365)


def test_security_txt_expiry_moves_with_the_clock(client, seeded_site):
    from unittest import mock

    later = datetime(2031, 3, 1, 12, 0, tzinfo=UTC)
    with mock.patch("bostonems_site.views.timezone.now", return_value=later):
        body = client.get("/.well-known/security.txt").content.decode()
    assert "Expires: 2031-08-28T12:00:00Z" in body  # 180 days after that request


def test_security_contact_comes_from_site_settings(client, seeded_site):
    site_settings = SiteSettings.for_site(seeded_site.get_site())
    site_settings.security_contact = "https://www.boston.gov/report-a-vulnerability"
    site_settings.save()
    body = client.get("/.well-known/security.txt").content.decode()
    assert "Contact: https://www.boston.gov/report-a-vulnerability" in body


def test_favicon_routes(client, seeded_site):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.ico")
    assert finders.find("img/favicon.ico") and finders.find("img/favicon.svg")
    page = soup(client, "/")
    assert page.find("link", rel="icon", type="image/svg+xml")


def test_division_page_has_title_description_canonical_and_share_image(client, seeded_site):
    division = DivisionPage.objects.get(slug="field-operations")
    page = soup(client, division.url)
    root = Site.objects.get(is_default_site=True).root_url
    assert page.title.get_text() == "Field Operations | Boston EMS"
    assert meta(page, name="description") == division.summary
    assert page.find("link", rel="canonical")["href"] == f"{root}/divisions/field-operations/"
    assert meta(page, property="og:title") == "Field Operations"
    assert meta(page, property="og:description") == division.summary
    assert meta(page, property="og:url") == f"{root}/divisions/field-operations/"
    image = meta(page, property="og:image")
    assert image.startswith(f"{root}/media/images/") and "fill-1200x630" in image
    assert meta(page, property="og:image:alt") == division.hero_image_alt
    assert meta(page, name="twitter:card") == "summary_large_image"
    assert meta(page, name="twitter:image") == image


def test_seo_fields_on_the_promote_tab_win(client, seeded_site):
    division = DivisionPage.objects.get(slug="fleet-services")
    division.seo_title = "Ambulance fleet maintenance"
    division.search_description = "How Boston EMS keeps its ambulances on the road."
    division.save_revision().publish()
    page = soup(client, division.url)
    assert page.title.get_text() == "Ambulance fleet maintenance | Boston EMS"
    assert meta(page, name="description") == "How Boston EMS keeps its ambulances on the road."
    assert meta(page, property="og:title") == "Ambulance fleet maintenance"


def test_pages_without_a_picture_share_the_logo_or_the_default_image(client, seeded_site):
    root = Site.objects.get(is_default_site=True).root_url
    assert meta(soup(client, "/divisions/"), property="og:image") == (
        f"{root}/static/img/share-default.png"
    )
    site_settings = SiteSettings.for_site(seeded_site.get_site())
    site_settings.logo = sample_image("Logo", "Boston EMS logo", size=(600, 600))
    site_settings.save()
    assert "/media/images/" in meta(soup(client, "/divisions/"), property="og:image")


def test_home_page_describes_the_department_as_a_government_organization(client, seeded_site):
    page = soup(client, "/")
    (data,) = json_ld(page)
    root = Site.objects.get(is_default_site=True).root_url
    assert data["@type"] == "GovernmentOrganization"
    assert data["name"] == "Boston EMS"
    assert data["url"] == f"{root}/"
    assert data["telephone"] == "617-343-2367"
    assert data["description"] == meta(page, name="description")
    assert data["logo"] == f"{root}/static/img/logo.png"
    assert data["address"] == {
        "@type": "PostalAddress",
        "addressCountry": "US",
        "streetAddress": "785 Albany Street",
        "addressLocality": "Boston",
        "addressRegion": "MA",
        "postalCode": "02118",
    }
    assert page.title.get_text() == "Boston Emergency Medical Services | Boston EMS"


def test_inner_pages_carry_a_breadcrumb_list(client, seeded_site):
    (data,) = json_ld(soup(client, "/divisions/training/"))
    root = Site.objects.get(is_default_site=True).root_url
    assert data["@type"] == "BreadcrumbList"
    assert [(item["position"], item["name"], item["item"]) for item in data["itemListElement"]] == [
        (1, "Boston EMS", f"{root}/"),
        (2, "Divisions", f"{root}/divisions/"),
        (3, "Training Division", f"{root}/divisions/training/"),
    ]


def test_json_ld_cannot_break_out_of_its_script_element(client, seeded_site):
    home = HomePage.objects.get(locale__language_code="en")
    site_settings = SiteSettings.for_site(home.get_site())
    site_settings.department_name = "EMS </script><script>alert(1)</script>"
    site_settings.save()
    html = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    (data,) = json_ld(BeautifulSoup(html, "html.parser"))
    assert data["name"] == "EMS </script><script>alert(1)</script>"


def test_every_page_type_gets_the_seo_tags(client, seeded_site):
    for page in Page.objects.live().filter(depth__gt=1).specific():
        page_soup = soup(client, page.url)
        assert page_soup.find("link", rel="canonical"), page.url
        assert meta(page_soup, property="og:image"), page.url
        assert meta(page_soup, name="description"), page.url
        # The site's own block (organisation or breadcrumbs); page types may add their own.
        types = [block["@type"] for block in json_ld(page_soup)]
        expected = "GovernmentOrganization" if page.depth == 2 else "BreadcrumbList"
        assert types.count(expected) == 1, (page.url, types)
