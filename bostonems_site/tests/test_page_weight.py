import gzip

import pytest
from bs4 import BeautifulSoup

BUDGET_BYTES = 50 * 1024  # home page HTML + CSS + JS, gzip-compressed, images excluded


def _compressed_size(body):
    return len(gzip.compress(body, compresslevel=6))


@pytest.mark.django_db
def test_home_page_weight_stays_within_budget(client, seeded_site):
    html = client.get("/").content
    soup = BeautifulSoup(html, "html.parser")
    assets = [link["href"] for link in soup.select('link[rel="stylesheet"]')]
    assets += [script["src"] for script in soup.select("script[src]")]
    assert assets, "expected at least the site stylesheet"

    sizes = {"/": _compressed_size(html)}
    for url in assets:
        assert url.startswith("/"), f"{url} would load from another origin"
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        sizes[url] = _compressed_size(body)

    total = sum(sizes.values())
    assert total <= BUDGET_BYTES, f"home page weighs {total} bytes compressed: {sizes}"
