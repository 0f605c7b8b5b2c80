"""What an uploaded video file says about itself: how long it runs, its picture size and a still
frame for the media library, read with FFmpeg's `ffprobe` and `ffmpeg` when the server has them
(Debian: `apt-get install ffmpeg`). Without them the upload form asks the editor for the length
and size instead; nothing else depends on FFmpeg."""

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

# A long or odd file must not keep the editor's upload waiting forever.
TOOL_TIMEOUT = 60  # seconds
# The still frame comes from this far in (or the middle of a shorter video): the very first
# frame is often black.
STILL_FRAME_AT = 2.0  # seconds
# What ffprobe and ffmpeg may open for an upload: the uploaded file itself, read as one of the
# containers the site accepts (MP4 and M4V: FFmpeg's "mov" demuxer; WebM: "matroska").
# Otherwise they guess the format from the content, whatever the file's name: a text file named
# video.mp4 that is an HLS playlist or a concat list makes them open the files (or addresses)
# it names, and the still frame would show another file's content to the editor.
INPUT_LIMITS = ["-protocol_whitelist", "file", "-format_whitelist", "mov,matroska"]


class UnreadableVideo(Exception):
    """The file is not a video the tools can read; the message says why, for the editor."""


@dataclass(frozen=True)
class VideoFacts:
    duration: float  # seconds
    width: int
    height: int


def tools_available():
    return bool(shutil.which("ffprobe") and shutil.which("ffmpeg"))


def parse_ffprobe(output):
    """VideoFacts from `ffprobe -print_format json -show_format -show_streams` output."""
    try:
        data = json.loads(output)
    except (TypeError, ValueError) as error:
        raise UnreadableVideo("The file could not be read as a video.") from error
    pictures = [
        stream
        for stream in data.get("streams", [])
        if stream.get("codec_type") == "video"
        # Cover art inside an audio file is a "video" stream of one picture.
        and not stream.get("disposition", {}).get("attached_pic")
    ]
    if not pictures:
        raise UnreadableVideo("The file has no moving picture: upload a video, not a sound file.")
    picture = pictures[0]
    duration = _seconds(data.get("format", {}).get("duration")) or _seconds(picture.get("duration"))
    if not duration:
        raise UnreadableVideo("The length of the video could not be read from the file.")
    width, height = int(picture.get("width") or 0), int(picture.get("height") or 0)
    if _turned_sideways(picture):
        width, height = height, width  # phones record upright video as rotated landscape
    return VideoFacts(duration=duration, width=width, height=height)


def _seconds(value):
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return 0.0
    return seconds if seconds > 0 else 0.0


def _turned_sideways(picture):
    rotations = [picture.get("tags", {}).get("rotate")]
    rotations += [side.get("rotation") for side in picture.get("side_data_list", [])]
    for rotation in rotations:
        with contextlib.suppress(TypeError, ValueError):
            if abs(int(float(rotation))) % 180 == 90:
                return True
    return False


@contextlib.contextmanager
def local_path(upload):
    """A path on disk for an uploaded file (large uploads already have one)."""
    if hasattr(upload, "temporary_file_path"):
        yield upload.temporary_file_path()
        return
    suffix = os.path.splitext(upload.name or "")[1]
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        upload.seek(0)
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        upload.seek(0)
        yield copy.name


def _run(command):
    try:
        result = subprocess.run(  # noqa: S603 (fixed tool, file path as one argument)
            command, capture_output=True, timeout=TOOL_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise UnreadableVideo("Reading the video took too long.") from error
    if result.returncode != 0:
        raise UnreadableVideo("The file could not be read as a video.")
    return result.stdout


def probe(path):
    """VideoFacts of the video file at `path` (needs ffprobe)."""
    command = ["ffprobe", "-v", "error", *INPUT_LIMITS, "-print_format", "json"]
    return parse_ffprobe(_run([*command, "-show_format", "-show_streams", os.path.abspath(path)]))


def still_frame(path, duration):
    """A JPEG of one frame of the video at `path` (needs ffmpeg)."""
    at = min(STILL_FRAME_AT, duration / 2)
    return _run(
        ["ffmpeg", "-v", "error", *INPUT_LIMITS, "-ss", f"{at:.3f}", "-i", os.path.abspath(path)]
        + ["-frames:v", "1", "-f", "image2", "-c:v", "mjpeg", "-q:v", "3", "pipe:1"]
    )
