"""Forms that sit on cached pages (the newsletter sign-up, "Was this page helpful?") carry no
CSRF token: the page cache serves one copy of a page to every visitor, so a per-visitor token
would be handed to everyone or stop the caching. Their endpoints are exempt from Django's
token check and call `same_origin` instead (see newsletter/views.py and
content_health/feedback.py for what else protects each one)."""

from django.conf import settings


def same_origin(request):
    """True when the browser says the POST came from a page of this site: its `Origin` header
    is this site's origin (or in CSRF_TRUSTED_ORIGINS), or without one, `Sec-Fetch-Site` says
    same-origin. Every current browser sends at least one of them on a form POST, and a page
    on another site cannot forge them."""
    origin = request.headers.get("Origin")
    if origin is not None:
        own = f"{request.scheme}://{request.get_host()}"
        return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS
    return request.headers.get("Sec-Fetch-Site") == "same-origin"
