"""The one image-with-alt-text piece: the same rule on every page type that has a picture. (The
migration that moved the video thumbnail onto it is tested in media_library.)"""

import pytest
from django.core.exceptions import ValidationError

from bostonems_site.page_image import ALT_TEXT_MISSING
from bostonems_site.seed import sample_image
from divisions.models import DivisionPage
from media_library.tests.factories import make_video
from news.models import NewsIndexPage, NewsPage
from testing.helpers import publish


def pages_with_a_picture():
    """One page of each type that has a picture, all showing the same image."""
    video = make_video(1)
    news = publish(
        NewsIndexPage.objects.get(), NewsPage(title="Drill", slug="drill", summary="A drill.")
    )
    return [DivisionPage.objects.get(slug="training"), video, news]


@pytest.mark.parametrize(
    ("typed", "library", "decorative", "expected"),
    [
        ("Two EMTs at the station", "A crew", False, "Two EMTs at the station"),
        ("", "A crew beside an ambulance", False, "A crew beside an ambulance"),
        ("Two EMTs", "A crew", True, ""),
    ],
)
def test_every_page_type_follows_one_alt_text_rule(
    seeded_site, typed, library, decorative, expected
):
    image = sample_image("IMG_2031", library)
    for page in pages_with_a_picture():
        page.image, page.image_alt, page.image_decorative = image, typed, decorative
        page.full_clean()
        assert page.image_alt_text == expected, type(page).__name__
        assert page.share_image_alt == expected


def test_a_picture_nobody_described_cannot_be_saved_on_any_page_type(seeded_site):
    image = sample_image("IMG_2031", "")  # its title is a file name, not a description
    for page in pages_with_a_picture():
        page.image, page.image_alt, page.image_decorative = image, "", False
        with pytest.raises(ValidationError) as error:
            page.full_clean()
        assert error.value.message_dict["image_alt"] == [ALT_TEXT_MISSING]
