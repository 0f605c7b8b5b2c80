"""Uploading to the media library: videos only, and the length, size and a still frame come from
the file when the server has FFmpeg (typed in otherwise). Video pages take an upload's length
from the media library instead of asking for it again."""

import json
import os
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtailmedia import get_media_model

from media_library import video_probe
from media_library.seed import SEED_FILES
from media_library.video_probe import UnreadableVideo, VideoFacts, parse_ffprobe

from .factories import make_video, video_media

IN_CI = os.environ.get("CI", "").lower() == "true"
RECORDED_PROBE = Path(__file__).parent / "data" / "ffprobe-sample-video.json"


@pytest.fixture
def ffmpeg():
    """The real ffprobe and ffmpeg (.ci/run installs them)."""
    if not (shutil.which("ffprobe") and shutil.which("ffmpeg")):
        if IN_CI:
            pytest.fail("ffprobe/ffmpeg not found: .ci/run installs ffmpeg; CI must run this.")
        pytest.skip("ffmpeg not installed (apt-get install ffmpeg)")


@pytest.fixture
def without_ffmpeg(monkeypatch):
    """A server without FFmpeg: editors type the length in."""
    monkeypatch.setattr(video_probe.shutil, "which", lambda name: None)


def test_recorded_ffprobe_output_of_the_sample_video_is_read():
    assert parse_ffprobe(RECORDED_PROBE.read_text()) == VideoFacts(8.0, 480, 270)


def test_a_video_recorded_upright_on_a_phone_is_taller_than_wide():
    data = json.loads(RECORDED_PROBE.read_text())
    data["streams"][0]["side_data_list"] = [{"side_data_type": "Display Matrix", "rotation": -90}]
    assert parse_ffprobe(json.dumps(data)) == VideoFacts(8.0, 270, 480)


@pytest.mark.parametrize(
    "output, reason",
    [
        ("not json", "could not be read"),
        ('{"streams": [], "format": {}}', "no moving picture"),
        (
            '{"streams": [{"codec_type": "audio"}, {"codec_type": "video", "width": 600,'
            ' "height": 600, "disposition": {"attached_pic": 1}}], "format": {"duration": "3"}}',
            "no moving picture",
        ),
        (
            '{"streams": [{"codec_type": "video", "width": 4, "height": 4}],'
            ' "format": {"duration": "N/A"}}',
            "length",
        ),
    ],
)
def test_files_that_are_not_readable_videos_are_explained(output, reason):
    with pytest.raises(UnreadableVideo, match=reason):
        parse_ffprobe(output)


def test_ffprobe_reads_the_committed_sample_video(ffmpeg):
    facts = video_probe.probe(SEED_FILES / "sample-video.mp4")
    assert facts == VideoFacts(8.0, 480, 270)
    still = video_probe.still_frame(SEED_FILES / "sample-video.mp4", facts.duration)
    assert still.startswith(b"\xff\xd8")  # a JPEG


def upload(admin_client, media_type="video", **fields):
    with open(SEED_FILES / "sample-video.mp4", "rb") as handle:
        data = {
            "title": "Station opening",
            "file": SimpleUploadedFile("station.mp4", handle.read(), "video/mp4"),
            **fields,
        }
    return admin_client.post(reverse("wagtailmedia:add", args=[media_type]), data)


def form_field_names(admin_client, url):
    soup = BeautifulSoup(admin_client.get(url).content, "html.parser")
    return {field["name"] for field in soup.select("form [name]")}


@pytest.mark.django_db
def test_an_upload_asks_only_for_title_and_file_and_reads_the_rest(admin_client, ffmpeg):
    names = form_field_names(admin_client, reverse("wagtailmedia:add", args=["video"]))
    assert {"title", "file"} <= names
    assert not names & {"duration", "width", "height", "thumbnail"}

    response = upload(admin_client)
    assert response.status_code == 302
    media = get_media_model().objects.get(title="Station opening")
    assert (media.duration, media.width, media.height) == (8.0, 480, 270)
    assert media.thumbnail.name.endswith(".jpg")


@pytest.mark.django_db
def test_a_file_that_is_not_a_video_is_refused_with_a_reason(admin_client, ffmpeg):
    data = {"title": "Not a video", "file": SimpleUploadedFile("fake.mp4", b"plain text")}
    response = admin_client.post(reverse("wagtailmedia:add", args=["video"]), data)
    assert response.status_code == 200
    assert "Upload an MP4, M4V or WebM video" in response.content.decode()
    assert not get_media_model().objects.filter(title="Not a video").exists()


@pytest.mark.django_db
def test_without_ffmpeg_the_length_is_typed_as_minutes_and_seconds(admin_client, without_ffmpeg):
    names = form_field_names(admin_client, reverse("wagtailmedia:add", args=["video"]))
    assert {"duration", "width", "height"} <= names

    response = upload(admin_client, duration="")
    assert "Enter how long the video runs" in response.content.decode()

    response = upload(admin_client, duration="2:10", width="1920", height="1080")
    assert response.status_code == 302
    media = get_media_model().objects.get(title="Station opening")
    assert (media.duration, media.width, media.height) == (130.0, 1920, 1080)
    edit_page = admin_client.get(reverse("wagtailmedia:edit", args=[media.pk])).content.decode()
    assert 'value="00:02:10"' in edit_page


@pytest.mark.django_db
def test_the_media_library_offers_no_audio(admin_client):
    html = admin_client.get(reverse("wagtailmedia:index")).content.decode()
    assert "Add video" in html
    assert "Add audio" not in html
    assert reverse("wagtailmedia:add", args=["audio"]) not in html

    data = {
        "title": "A podcast",
        "file": SimpleUploadedFile("talk.mp3", b"ID3"),
        "duration": "1:00",
    }
    response = admin_client.post(reverse("wagtailmedia:add", args=["audio"]), data)
    assert response.status_code == 200
    assert "This site publishes videos only" in response.content.decode()
    assert not get_media_model().objects.filter(title="A podcast").exists()


@pytest.mark.django_db
def test_a_video_page_shows_the_length_of_its_uploaded_file(client, video_gallery):
    page = make_video(1, hosted_url="", hosted_duration=None, video_file=video_media(duration=75))
    html = client.get(page.url).content.decode()
    assert '<time datetime="PT1M15S">1:15</time>' in html


@pytest.mark.django_db
def test_the_video_page_form_asks_the_length_only_for_youtube_and_vimeo(
    admin_client, video_gallery
):
    url = reverse("wagtailadmin_pages:add", args=["media_library", "videopage", video_gallery.pk])
    names = form_field_names(admin_client, url)
    assert "hosted_duration" in names
    assert "duration" not in names
