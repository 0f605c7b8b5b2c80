import pytest

from testing.helpers import assert_accessible

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "path",
    [
        "/news/",
        "/news/?kind=event",
        "/news/sample-hands-only-cpr-day/",
        "/news/sample-new-ambulances/",
    ],
)
def test_news_pages_pass_axe_and_reflow(live_site, browser_page, path):
    assert_accessible(browser_page, live_site.url + path)
