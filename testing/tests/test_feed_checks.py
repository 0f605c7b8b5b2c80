"""The feed checker catches each broken RSS 2.0 and RFC 4287 rule (so a passing site check
means something)."""

import pytest

from testing.feed_checks import feed_language, feed_problems

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
  <title>News | Boston EMS</title>
  <link>https://www.example.org/news/</link>
  <description>News from Boston EMS.</description>
  <language>en</language>
  <lastBuildDate>Tue, 01 Dec 2026 18:00:00 -0000</lastBuildDate>
  <item>
    <title>New ambulances</title>
    <link>https://www.example.org/news/new-ambulances/</link>
    <description>Five new ambulances.</description>
    <pubDate>Mon, 30 Nov 2026 09:00:00 -0500</pubDate>
    <guid>https://www.example.org/news/new-ambulances/</guid>
  </item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="es">
  <title>Noticias | Boston EMS</title>
  <link href="https://www.example.org/es/news/" rel="alternate"/>
  <link href="https://www.example.org/es/news/atom/" rel="self"/>
  <id>https://www.example.org/es/news/</id>
  <updated>2026-12-01T18:00:00+00:00</updated>
  <author><name>Boston EMS</name></author>
  <entry>
    <title>Ambulancias nuevas</title>
    <link href="https://www.example.org/es/news/new-ambulances/" rel="alternate"/>
    <id>https://www.example.org/es/news/new-ambulances/</id>
    <updated>2026-11-30T09:00:00-05:00</updated>
    <summary>Cinco ambulancias nuevas.</summary>
  </entry>
</feed>"""


def without(document, text):
    assert text in document, text
    return document.replace(text, "", 1).encode()


def test_valid_feeds_pass_and_declare_their_language():
    assert feed_problems(RSS.encode()) == []
    assert feed_problems(ATOM.encode()) == []
    assert feed_language(RSS.encode()) == "en"
    assert feed_language(ATOM.encode()) == "es"


@pytest.mark.parametrize(
    ("removed", "expected"),
    [
        ("<title>News | Boston EMS</title>", "<channel> has no <title>"),
        ("<link>https://www.example.org/news/</link>", "<channel> has no <link>"),
        ("<description>News from Boston EMS.</description>", "<channel> has no <description>"),
        ("<language>en</language>", "<channel> has no <language>"),
        (
            "<pubDate>Mon, 30 Nov 2026 09:00:00 -0500</pubDate>",
            "<item> 1: <pubDate> is missing or not an RFC 822 date",
        ),
        ("<guid>https://www.example.org/news/new-ambulances/</guid>", "<item> 1: has no <guid>"),
    ],
)
def test_rss_checker_catches_a_missing_element(removed, expected):
    problems = feed_problems(without(RSS, removed))
    assert any(problem.startswith(expected) for problem in problems), problems


def test_rss_checker_catches_an_item_without_title_or_description_and_bad_values():
    rss = RSS.replace("<title>New ambulances</title>", "").replace(
        "<description>Five new ambulances.</description>", ""
    )
    assert feed_problems(rss.encode()) == ["<item> 1: has neither <title> nor <description>"]
    bad = (
        RSS.replace('version="2.0"', 'version="0.91"')
        .replace("Mon, 30 Nov 2026 09:00:00 -0500", "2026-11-30T09:00:00-05:00")
        .replace("<link>https://www.example.org/news/</link>", "<link>/news/</link>")
        .replace("<guid>https://www.example.org/news/new-ambulances/</guid>", "<guid>42</guid>")
    )
    assert feed_problems(bad.encode()) == [
        '<rss version="0.91">: the version must be "2.0"',
        "<channel><link> is not an absolute URL: /news/",
        "<item> 1: <pubDate> is missing or not an RFC 822 date: 2026-11-30T09:00:00-05:00",
        "<item> 1: <guid> is a permalink but not an absolute URL: 42",
    ]


@pytest.mark.parametrize(
    ("removed", "expected"),
    [
        ("<id>https://www.example.org/es/news/</id>", "<feed> needs exactly one non-empty <id>"),
        ("<title>Noticias | Boston EMS</title>", "<feed> needs exactly one non-empty <title>"),
        (
            "<updated>2026-12-01T18:00:00+00:00</updated>",
            "<feed> needs exactly one non-empty <updated>",
        ),
        (
            "<author><name>Boston EMS</name></author>",
            "<feed> has no <author> and not every <entry> has one",
        ),
        (' xml:lang="es"', "<feed> has no xml:lang"),
        (
            "<id>https://www.example.org/es/news/new-ambulances/</id>",
            "<entry> 1 needs exactly one non-empty <id>",
        ),
        ("<title>Ambulancias nuevas</title>", "<entry> 1 needs exactly one non-empty <title>"),
        (
            "<updated>2026-11-30T09:00:00-05:00</updated>",
            "<entry> 1 needs exactly one non-empty <updated>",
        ),
        (
            '<link href="https://www.example.org/es/news/new-ambulances/" rel="alternate"/>',
            "<entry> 1 has neither <content> nor a rel=alternate <link>",
        ),
    ],
)
def test_atom_checker_catches_a_missing_element(removed, expected):
    problems = feed_problems(without(ATOM, removed))
    assert any(problem.startswith(expected) for problem in problems), problems


def test_atom_checker_catches_bad_dates_ids_and_links():
    bad = (
        ATOM.replace("2026-11-30T09:00:00-05:00", "Mon, 30 Nov 2026 09:00:00 -0500")
        .replace("<id>https://www.example.org/es/news/</id>", "<id>news</id>")
        .replace('href="https://www.example.org/es/news/atom/"', 'href="/es/news/atom/"')
    )
    assert feed_problems(bad.encode()) == [
        "<feed> <id> is not an absolute IRI: news",
        "<feed> <link> href is not an absolute URL: /es/news/atom/",
        "<entry> 1 <updated> is not an RFC 3339 date-time: Mon, 30 Nov 2026 09:00:00 -0500",
    ]
    entry_author_only = ATOM.replace("<author><name>Boston EMS</name></author>", "").replace(
        "<entry>", "<entry><author><name>Boston EMS</name></author>"
    )
    assert feed_problems(entry_author_only.encode()) == []


def test_checker_rejects_malformed_or_unsafe_xml_and_other_documents():
    assert feed_problems(b"<rss><channel>")[0].startswith("not well-formed (or unsafe) XML")
    bomb = b'<!DOCTYPE r [<!ENTITY a "aaaa">]><rss version="2.0">&a;</rss>'
    assert feed_problems(bomb)[0].startswith("not well-formed (or unsafe) XML")
    assert feed_problems(b"<html></html>") == [
        "neither RSS 2.0 nor Atom: the root element is <html>"
    ]
