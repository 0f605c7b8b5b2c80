import pytest
from bs4 import BeautifulSoup

from divisions.models import DivisionIndexPage, DivisionPage
from testing.helpers import QUERY_BUDGET, count_queries, publish

pytestmark = pytest.mark.django_db


def results(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    soup = BeautifulSoup(response.content, "html.parser")
    return soup, [a.get_text() for a in soup.select(".search-result__title a")]


def test_search_finds_divisions_by_their_text(client, seeded_site):
    soup, titles = results(client, "/search/?q=ambulances")
    assert "Fleet Services" in titles
    assert soup.h1.get_text() == "Search results for “ambulances”"
    link = soup.find("a", string="Fleet Services")
    assert link["href"] == "/divisions/fleet-services/"
    assert "maintaining the Department’s ambulances" in link.find_parent("li").get_text()


def test_search_leaves_out_unpublished_pages(client, seeded_site):
    DivisionPage.objects.get(slug="fleet-services").unpublish()
    _, titles = results(client, "/search/?q=ambulances")
    assert "Fleet Services" not in titles


def test_search_results_are_paginated(client, seeded_site):
    index = DivisionIndexPage.objects.get()
    for number in range(23):
        publish(
            index,
            DivisionPage(title=f"Paramedic unit {number}", slug=f"unit-{number}", summary="Zebra."),
        )
    soup, first = results(client, "/search/?q=zebra")
    assert len(first) == 10
    assert "23 results, page 1 of 3." in soup.select_one(".search-results__count").get_text()
    next_link = soup.find("a", rel="next")
    assert next_link["href"] == "?q=zebra&page=2"
    _, second = results(client, "/search/?q=zebra&page=2")
    _, third = results(client, "/search/?q=zebra&page=3")
    assert len(second) == 10 and len(third) == 3
    assert not set(first) & set(second)
    # Out-of-range or nonsense page numbers give a normal page, not an error.
    _, last = results(client, "/search/?q=zebra&page=99")
    assert last == third
    _, junk = results(client, "/search/?q=zebra&page=abc")
    assert junk == first


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        "x" * 10_000,
        "100%",
        "%",
        "_",
        '"unbalanced',
        "'; DROP TABLE wagtailcore_page; --",
        "a\x00b",
        "\x00",
        "🚑 ambulance",
        "AND OR NOT",
        "-",
        "*",
        "(",
        "<script>alert(1)</script>",
    ],
)
def test_odd_queries_give_a_normal_page(client, seeded_site, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    soup = BeautifulSoup(html, "html.parser")
    assert len(soup.find_all("h1")) == 1
    echoed = soup.select_one("#search-page-query")["value"]
    assert len(echoed) <= 200 and "\x00" not in echoed


def test_query_is_echoed_escaped(client, seeded_site):
    html = client.get("/search/", {"q": '<b>"bold"</b>'}).content.decode()
    assert "<b>" not in html.split("<main", 1)[1]
    assert "&lt;b&gt;&quot;bold&quot;&lt;/b&gt;" in html


def test_search_is_kept_out_of_search_engines(client, seeded_site):
    soup, _ = results(client, "/search/?q=ems")
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_search_query_count_does_not_grow_with_content(client, seeded_site):
    url = "/search/?q=division"
    count_queries(client, url)
    baseline = count_queries(client, url)
    index = DivisionIndexPage.objects.get()
    for number in range(72):
        publish(index, DivisionPage(title=f"Division {number}", slug=f"d-{number}", summary="X."))
    # One query per page type on the results page, so it may shrink, but never grows.
    assert count_queries(client, url) <= baseline
    # Page chrome (site, settings, site-wide text, alerts, menu), the language's locales, the
    # count, one page of results and one query per page type among them (how many types share
    # the first page depends on the database's ranking): within the budget of any page.
    assert baseline <= QUERY_BUDGET, baseline
