"""Uploads go to the session's temporary MEDIA_ROOT (root conftest)."""

import pytest


@pytest.fixture
def video_gallery(db):
    """Just the home page and an empty gallery: quicker than the full seed."""
    from bostonems_site.seed import ensure_child, ensure_home
    from media_library.models import VideoGalleryPage

    gallery, _ = ensure_child(ensure_home(), VideoGalleryPage, "videos", title="Videos")
    return gallery
