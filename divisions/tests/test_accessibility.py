import pytest

from testing.helpers import assert_accessible

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/", "/divisions/", "/divisions/field-operations/"])
def test_pages_pass_axe_and_reflow(live_site, browser_page, path):
    assert_accessible(browser_page, live_site.url + path)
