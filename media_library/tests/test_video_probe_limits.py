"""FFmpeg reads an upload only as the file itself, in a container the site accepts (MP4, M4V,
WebM): never a file of another format renamed, nor a playlist that names other files."""

import subprocess

import pytest

from media_library import video_probe
from media_library.video_probe import UnreadableVideo

from .test_video_files import ffmpeg  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("ffmpeg")
TEST_PICTURE = ["-f", "lavfi", "-i", "testsrc=duration=1:size=64x48:rate=5"]


def encode(path, *options):
    subprocess.run(  # noqa: S603
        ["ffmpeg", "-v", "error", *TEST_PICTURE, *options, str(path)], check=True, timeout=60
    )
    return path


def test_mp4_and_webm_are_read(tmp_path):
    mp4 = encode(tmp_path / "clip.mp4", "-c:v", "libx264", "-pix_fmt", "yuv420p")
    webm = encode(tmp_path / "clip.webm", "-c:v", "libvpx")
    for path in (mp4, webm):
        facts = video_probe.probe(path)
        assert (facts.width, facts.height) == (64, 48)
        assert video_probe.still_frame(path, facts.duration).startswith(b"\xff\xd8")  # a JPEG


def test_another_format_named_mp4_is_refused(tmp_path):
    avi = encode(tmp_path / "clip.mp4", "-f", "avi")
    with pytest.raises(UnreadableVideo):
        video_probe.probe(avi)
    with pytest.raises(UnreadableVideo):
        video_probe.still_frame(avi, 1.0)


def test_a_playlist_naming_another_file_is_not_followed(tmp_path):
    elsewhere = encode(tmp_path / "private.ts", "-c:v", "libx264", "-f", "mpegts")
    playlist = tmp_path / "upload.mp4"
    playlist.write_text(
        f"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n{elsewhere}\n#EXT-X-ENDLIST\n"
    )
    with pytest.raises(UnreadableVideo):
        video_probe.probe(playlist)
    with pytest.raises(UnreadableVideo):
        video_probe.still_frame(playlist, 1.0)
