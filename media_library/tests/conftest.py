import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path_factory):
    """Uploaded files from these tests go to a temporary MEDIA_ROOT, not the project's media/."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture
def video_gallery(db):
    """Just the home page and an empty gallery: quicker than the full seed."""
    from bostonems_site.seed import ensure_child, ensure_home
    from media_library.models import VideoGalleryPage

    gallery, _ = ensure_child(ensure_home(), VideoGalleryPage, "videos", title="Videos")
    return gallery
