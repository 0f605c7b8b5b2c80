from django import template

from bostonems_site.i18n import for_visitors, in_language, site_page_in_language
from bostonems_site.visibility import public_pages
from media_library.models import NEWEST_FIRST, VideoGalleryPage, VideoPage

register = template.Library()


def _newest(videos, count):
    # What the box shows of each (media_library/includes/video_box.html): its still, title,
    # summary and link. Reading every column cost more than the query.
    return list(
        videos.order_by(*NEWEST_FIRST)
        .only("title", "summary", "url_path", "image")
        .select_related("image")
        .prefetch_related("image__renditions")[:count]
    )


@register.inclusion_tag("media_library/includes/video_box.html", takes_context=True)
def latest_videos(context, count=3):
    """The "Video & Multimedia" box: the gallery's latest public videos, in the page's language
    where translated, else in English (one query, once the gallery is kept)."""
    gallery = site_page_in_language(context.get("request"), VideoGalleryPage)
    videos = _newest(for_visitors(VideoPage.objects.all()), count) if gallery else []
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
    # The videos naming the division first, then those in the page's language: as one query
    # (the relation's joins repeated inside the language subqueries) it cost PostgreSQL's
    # planner 17 ms per division page, several times the rest of the page.
    naming = public_pages(VideoPage.objects.all()).filter(
        related_divisions__translation_key=division.translation_key
    )
    naming_ids = list(naming.values_list("pk", flat=True))
    videos = (
        _newest(in_language(VideoPage.objects.filter(pk__in=naming_ids)), count)
        if naming_ids
        else []
    )
    gallery = site_page_in_language(context.get("request"), VideoGalleryPage) if videos else None
    return {
        "request": context.get("request"),
        "gallery": gallery,
        "videos": videos,
        "division": division,
        "heading_id": "related-videos-heading",
        "heading_level": 2,
    }
