"""Our own YouTube/Vimeo address parser and WebVTT reader (no provider is ever contacted)."""

from datetime import timedelta

import pytest

from media_library.hosted_video import InvalidVideoURL, parse_video_url
from media_library.models import clock_duration, iso_duration
from media_library.webvtt import WebVTTError, parse_webvtt


@pytest.mark.parametrize(
    "url, provider, video_id",
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
        ("https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s&list=PL1", "youtube", "dQw4w9WgXcQ"),
        ("http://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ?si=abc123", "youtube", "dQw4w9WgXcQ"),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
        ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
        ("https://www.youtube.com/shorts/aB3-_x9Yz0Q", "youtube", "aB3-_x9Yz0Q"),
        ("  https://WWW.YOUTUBE.COM/watch?v=dQw4w9WgXcQ  ", "youtube", "dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "vimeo", "76979871"),
        ("https://www.vimeo.com/76979871", "vimeo", "76979871"),
        ("https://player.vimeo.com/video/76979871", "vimeo", "76979871"),
        ("https://player.vimeo.com/video/76979871?h=8272103f6e&badge=0", "vimeo", "76979871"),
        ("https://vimeo.com/channels/staffpicks/76979871", "vimeo", "76979871"),
        ("https://vimeo.com/76979871/8272103f6e", "vimeo", "76979871"),
    ],
)
def test_youtube_and_vimeo_addresses_are_recognised(url, provider, video_id):
    video = parse_video_url(url)
    assert (video.provider, video.video_id) == (provider, video_id)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "not a url",
        "https://example.com/watch?v=dQw4w9WgXcQ",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://evil.example/?u=https://youtu.be/dQw4w9WgXcQ",
        "https://youtube.com@evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ",
        "javascript:alert(1)//youtu.be/dQw4w9WgXcQ",
        "ftp://youtu.be/dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ%22onload",
        "https://www.youtube.com/@BostonEMS",
        "https://www.youtube.com/playlist?list=PL123",
        "https://youtu.be/",
        "https://vimeo.com/",
        "https://vimeo.com/channels/staffpicks",
        "https://vimeo.com/76979871/not-a-hash!",
        "https://vimeo.com/٣٤٥٦",
        "https://player.vimeo.com/video/abc",
        "https://www.dailymotion.com/video/x7tgad0",
        "http://[::1/watch",
        "https://youtu.be/" + "a" * 600,
    ],
)
def test_everything_else_is_rejected_with_a_message(url):
    with pytest.raises(InvalidVideoURL) as error:
        parse_video_url(url)
    assert "YouTube" in str(error.value) or "Vimeo" in str(error.value)


def test_privacy_enhanced_player_addresses():
    youtube = parse_video_url("https://youtu.be/dQw4w9WgXcQ")
    assert youtube.embed_url == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert youtube.watch_url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    vimeo = parse_video_url("https://vimeo.com/76979871/8272103f6e")
    assert vimeo.embed_url == "https://player.vimeo.com/video/76979871?dnt=1&h=8272103f6e"
    assert vimeo.autoplay_embed_url.endswith("dnt=1&h=8272103f6e&autoplay=1")
    assert vimeo.watch_url == "https://vimeo.com/76979871/8272103f6e"


def test_a_valid_webvtt_file_is_read():
    cues = parse_webvtt(
        "\ufeffWEBVTT - Boston EMS\r\nKind: captions\r\n\r\n"
        "NOTE written by the communications team\r\n\r\n"
        "STYLE\r\n::cue { color: yellow }\r\n\r\n"
        "intro\r\n00:00.000 --> 00:03.500 line:90%\r\n[Siren]\r\n\r\n\r\n"
        "01:00:03.500 --> 01:00:05.000\r\nWelcome to\r\nBoston EMS.\r\n".encode()
    )
    assert [(cue.start, cue.end, cue.text) for cue in cues] == [
        (0.0, 3.5, "[Siren]"),
        (3603.5, 3605.0, "Welcome to\nBoston EMS."),
    ]


def test_the_committed_sample_captions_are_valid():
    from media_library.seed import SEED_FILES

    cues = parse_webvtt((SEED_FILES / "sample-video.en.vtt").read_bytes())
    assert cues[-1].end == 8.0


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", 'first line must be "WEBVTT"'),
        (b"WEBVTTX\n\n00:00.000 --> 00:01.000\nHi", 'first line must be "WEBVTT"'),
        (b"1\n00:00:01,000 --> 00:00:02,000\nHi\n", 'first line must be "WEBVTT"'),  # SRT
        (b"WEBVTT\n00:00.000 --> 00:01.000\nHi", "Line 2: leave an empty line"),
        (b"WEBVTT\n\n", "no captions"),
        (b"WEBVTT\n\nNOTE only a note\n", "no captions"),
        (b"WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nHi", "Line 3"),
        (b"WEBVTT\n\n00:00:61.000 --> 00:01:02.000\nHi", "not a valid caption timing"),
        (b"WEBVTT\n\n00:00.000 -> 00:01.000\nHi", "expected a caption timing"),
        (b"WEBVTT\n\n00:05.000 --> 00:01.000\nHi", "ends before it starts"),
        (b"WEBVTT\n\n00:05.000 --> 00:06.000\nA\n\n00:01.000 --> 00:02.000\nB", "time order"),
        (b"WEBVTT\n\n00:01.000 --> 00:02.000\nA\n00:02.000 --> 00:03.000\nB", "empty line"),
        (b"WEBVTT\n\njust some text\n", "Line 3: expected a caption timing"),
        ("WEBVTT\n\n00:00.000 --> 00:01.000\ncaf\u00e9".encode("latin-1"), "UTF-8"),
        (b"WEBVTT\n\n" + b"x" * 1_000_001, "larger than 1 MB"),
    ],
)
def test_invalid_webvtt_is_rejected_with_the_reason(content, message):
    with pytest.raises(WebVTTError) as error:
        parse_webvtt(content)
    assert message in str(error.value)


@pytest.mark.parametrize(
    "seconds, iso, clock",
    [(8, "PT8S", "0:08"), (130, "PT2M10S", "2:10"), (3600, "PT1H", "1:00:00"),
     (3730, "PT1H2M10S", "1:02:10"), (120, "PT2M", "2:00")],
)  # fmt: skip
def test_durations_are_written_for_people_and_search_engines(seconds, iso, clock):
    assert iso_duration(timedelta(seconds=seconds)) == iso
    assert clock_duration(timedelta(seconds=seconds)) == clock
