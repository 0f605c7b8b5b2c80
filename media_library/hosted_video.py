"""Recognise YouTube and Vimeo addresses and build their privacy-enhanced player addresses.

Only our own parsing is used: nothing here contacts YouTube or Vimeo (no oEmbed), so pages
render offline and no visitor data reaches a provider until the visitor presses play.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

YOUTUBE_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "youtube-nocookie.com",
    "www.youtube-nocookie.com",
}
YOUTU_BE_HOSTS = {"youtu.be", "www.youtu.be"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com"}
VIMEO_PLAYER_HOSTS = {"player.vimeo.com"}

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$", re.ASCII)
_VIMEO_ID = re.compile(r"^[1-9][0-9]{0,11}$", re.ASCII)
_VIMEO_HASH = re.compile(r"^[0-9a-f]{6,20}$", re.ASCII)

NOT_SUPPORTED = (
    "Only YouTube and Vimeo videos can be shown. Paste the address of the video's own page, "
    "for example https://www.youtube.com/watch?v=… or https://vimeo.com/123456789, or upload "
    "the video file instead."
)


class InvalidVideoURL(ValueError):
    """The address is not a YouTube or Vimeo video; the message tells editors what to do."""


@dataclass(frozen=True)
class HostedVideo:
    provider: str  # "youtube" or "vimeo"
    video_id: str
    private_hash: str = ""  # Vimeo's key for unlisted videos

    @property
    def provider_name(self):
        return {"youtube": "YouTube", "vimeo": "Vimeo"}[self.provider]

    @property
    def embed_url(self):
        """The player address in the provider's privacy-enhanced mode."""
        if self.provider == "youtube":
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}"
        query = {"dnt": "1"}
        if self.private_hash:
            query["h"] = self.private_hash
        return f"https://player.vimeo.com/video/{self.video_id}?{urlencode(query)}"

    @property
    def autoplay_embed_url(self):
        """Used after the visitor pressed play, so the player starts without a second click."""
        separator = "&" if "?" in self.embed_url else "?"
        return f"{self.embed_url}{separator}autoplay=1"

    @property
    def watch_url(self):
        """The video's page on the provider's site: where the play link goes without JavaScript."""
        if self.provider == "youtube":
            return f"https://www.youtube.com/watch?v={self.video_id}"
        suffix = f"/{self.private_hash}" if self.private_hash else ""
        return f"https://vimeo.com/{self.video_id}{suffix}"


def _no_video(provider):
    return InvalidVideoURL(
        f"This {provider} address does not point to a single video. Open the video on "
        f"{provider}, use its Share button and paste that address."
    )


def _youtube(host, segments, query):
    if host in YOUTU_BE_HOSTS:
        candidate = segments[0] if len(segments) == 1 else ""
    elif segments == ["watch"]:
        candidate = query.get("v", [""])[0]
    elif len(segments) == 2 and segments[0] in {"embed", "shorts", "live", "v"}:
        candidate = segments[1]
    else:
        candidate = ""
    if not _YOUTUBE_ID.match(candidate):
        raise _no_video("YouTube")
    return HostedVideo("youtube", candidate)


def _vimeo(host, segments, query):
    video_id, private_hash = "", ""
    if host in VIMEO_PLAYER_HOSTS:
        if len(segments) == 2 and segments[0] == "video":
            video_id, private_hash = segments[1], query.get("h", [""])[0]
    elif len(segments) in (1, 2):
        video_id = segments[0]
        private_hash = segments[1] if len(segments) == 2 else ""
    elif len(segments) == 3 and segments[0] == "channels":
        video_id = segments[2]
    elif len(segments) == 4 and segments[0] == "groups" and segments[2] == "videos":
        video_id = segments[3]
    if not _VIMEO_ID.match(video_id) or (private_hash and not _VIMEO_HASH.match(private_hash)):
        raise _no_video("Vimeo")
    return HostedVideo("vimeo", video_id, private_hash)


def parse_video_url(url):
    """Return the HostedVideo for a YouTube or Vimeo address, or raise InvalidVideoURL."""
    url = (url or "").strip()
    if not url or len(url) > 500:
        raise InvalidVideoURL(NOT_SUPPORTED)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise InvalidVideoURL(NOT_SUPPORTED) from error
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in {"http", "https"} or parts.username or parts.password:
        raise InvalidVideoURL(NOT_SUPPORTED)
    if port not in (None, 80, 443):
        raise InvalidVideoURL(NOT_SUPPORTED)
    segments = [segment for segment in parts.path.split("/") if segment]
    query = parse_qs(parts.query)
    if host in YOUTUBE_HOSTS | YOUTU_BE_HOSTS:
        return _youtube(host, segments, query)
    if host in VIMEO_HOSTS | VIMEO_PLAYER_HOSTS:
        return _vimeo(host, segments, query)
    raise InvalidVideoURL(NOT_SUPPORTED)
