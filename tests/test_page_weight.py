import gzip
import re

import pytest
from bs4 import BeautifulSoup

# Home page HTML + CSS + JS + fonts, gzipped, images excluded. 50 KB until the stylesheet gained
# the focus ring, forced-colours, print and phone-menu rules and the page its review dates and
# feedback form (about 2 KB together); the two fonts are 40 KB of it.
BUDGET_BYTES = 54 * 1024
# An @font-face rule of the site stylesheet: its file and the characters it covers.
FONT_FACE = re.compile(r"@font-face\s*{[^}]*?url\(\"?([^\")]+)\"?\)[^}]*?unicode-range:([^;]+);")


def _compressed_size(body):
    return len(gzip.compress(body, compresslevel=6))


def _body(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
def test_home_page_weight_stays_within_budget(client, seeded_site):
    html = client.get("/").content
    soup = BeautifulSoup(html, "html.parser")
    stylesheets = [link["href"] for link in soup.select('link[rel="stylesheet"]')]
    scripts = [script["src"] for script in soup.select("script[src]")]
    fonts = [link["href"] for link in soup.select('link[rel="preload"][as="font"]')]
    assert stylesheets, "expected at least the site stylesheet"

    sizes = {"/": _compressed_size(html)}
    for url in stylesheets + scripts + fonts:
        assert url.startswith("/"), f"{url} would load from another origin"
        body = _body(client, url)
        # woff2 is compressed already; servers send it as is.
        sizes[url] = len(body) if url.endswith(".woff2") else _compressed_size(body)

    # Every font file an English page needs (the faces covering basic Latin) is counted.
    css = b"".join(_body(client, url) for url in stylesheets).decode()
    latin_faces = [name for name, ranges in FONT_FACE.findall(css) if "U+0000-00FF" in ranges]
    assert latin_faces, "expected the Latin faces of the site's typefaces"
    for name in latin_faces:
        file_name = name.rsplit("/", 1)[-1].split(".")[0]
        assert any(file_name in url for url in fonts), f"{name} is used but not counted"

    total = sum(sizes.values())
    assert total <= BUDGET_BYTES, f"home page weighs {total} bytes compressed: {sizes}"
