"""Spanish and Arabic (right-to-left) pages pass axe at 1280 and 320 px."""

from io import StringIO

import pytest
from django.core.management import call_command

from bostonems_site.tests.helpers import assert_accessible
from bostonems_site.tests.test_i18n import arabic_division

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_spanish_and_arabic_pages_are_accessible(live_site, browser_page):
    call_command("load_seed_content", stdout=StringIO())  # with the Spanish translations
    arabic_division()
    for path in ("/es/", "/es/divisions/", "/es/divisions/training/", "/ar/divisions/training/"):
        assert_accessible(browser_page, live_site.url + path)
    assert browser_page.get_attribute("html", "dir") == "rtl"
