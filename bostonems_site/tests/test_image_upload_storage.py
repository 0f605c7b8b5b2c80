from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from testing.admin_forms import admin_post_form

pytestmark = pytest.mark.django_db

MESSAGE = "The image could not be stored"


def a_png():
    return SimpleUploadedFile("ambulance.png", get_test_image_file().file.getvalue(), "image/png")


@pytest.fixture
def unwritable_media(settings, tmp_path):
    """The media folder refuses new files (wrong owner, read-only mount, full disk)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    denied = PermissionError(13, "Permission denied")
    with mock.patch.object(FileSystemStorage, "_save", side_effect=denied):
        yield tmp_path / "media"


def test_an_upload_the_storage_refuses_is_a_clear_error_and_saves_nothing(
    admin_client, unwritable_media
):
    response = admin_client.post(reverse("wagtailimages:add_multiple"), {"files[]": a_png()})
    assert response.status_code == 200
    assert response.json()["success"] is False
    assert MESSAGE in response.json()["error_message"]
    assert get_image_model().objects.count() == 0
    assert not unwritable_media.exists() or not any(unwritable_media.rglob("*.png"))


def test_the_single_image_form_shows_the_error_on_the_file(admin_client, unwritable_media):
    url = reverse("wagtailimages:add")
    form = admin_post_form(admin_client, url)
    form["title"] = "Ambulance"
    response = admin_client.post(url, {**form.dict(), "file": a_png()})
    assert response.status_code == 200
    assert MESSAGE in BeautifulSoup(response.content, "html.parser").get_text()
    assert get_image_model().objects.count() == 0


def test_uploads_work_when_the_storage_accepts_them(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    response = admin_client.post(reverse("wagtailimages:add_multiple"), {"files[]": a_png()})
    assert response.json()["success"] is True
    assert get_image_model().objects.count() == 1
    assert not any((tmp_path / "media").rglob("upload-check-*"))  # the check leaves nothing
