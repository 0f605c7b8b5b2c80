"""Build video pages and library files for the tests (published like an editor would)."""

from datetime import date, timedelta

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtailmedia import get_media_model

from bostonems_site.seed import sample_image
from media_library.models import VideoGalleryPage, VideoPage
from testing.helpers import publish

VALID_VTT = b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello.\n"


def captions_document(content=VALID_VTT, name="captions.vtt", title="Test captions"):
    return get_document_model().objects.create(title=title, file=ContentFile(content, name=name))


def video_media(title="Test video file", duration=30):
    return get_media_model().objects.create(
        title=title,
        type="video",
        duration=duration,
        file=ContentFile(b"\x00\x00\x00\x18ftypmp42", name="test.mp4"),
    )


def gallery():
    return VideoGalleryPage.objects.get()


def make_video(number, parent=None, **fields):
    """Publish a hosted video page numbered `number` (higher numbers are newer)."""
    defaults = {
        "title": f"Video {number}",
        "slug": f"video-{number}",
        "summary": f"Summary of video {number}.",
        "publication_date": date(2020, 1, 1) + timedelta(days=number),
        "hosted_duration": timedelta(minutes=1, seconds=5),
        "thumbnail": sample_image(f"Thumb {number % 5}", "A test thumbnail", size=(320, 180)),
        "hosted_url": "https://youtu.be/abcdefghijk",
        "transcript": "<p>Words.</p>",
    }
    defaults.update(fields)
    return publish(parent or gallery(), VideoPage(**defaults))
