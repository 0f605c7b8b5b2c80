from django import template

from media_library.models import NEWEST_FIRST, VideoGalleryPage, VideoPage

register = template.Library()


def _newest(videos, count):
    return list(videos.order_by(*NEWEST_FIRST).defer("transcript")[:count])


@register.inclusion_tag("media_library/includes/video_box.html", takes_context=True)
def latest_videos(context, count=3):
    """The "Video & Multimedia" box: the gallery's latest live videos (two queries)."""
    gallery = VideoGalleryPage.objects.live().first()
    videos = _newest(VideoPage.objects.child_of(gallery).live(), count) if gallery else []
    return {
        "request": context.get("request"),
        "gallery": gallery,
        "videos": videos,
        "heading_id": "latest-videos-heading",
        "heading_level": 2,
    }


@register.inclusion_tag("media_library/includes/video_box.html", takes_context=True)
def related_videos(context, division, count=6):
    """A division's related videos, newest first, with a link to all of them in the gallery."""
    videos = _newest(VideoPage.objects.live().filter(related_divisions=division), count)
    gallery = VideoGalleryPage.objects.live().first() if videos else None
    return {
        "request": context.get("request"),
        "gallery": gallery,
        "videos": videos,
        "division": division,
        "heading_id": "related-videos-heading",
        "heading_level": 2,
    }
