from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from bostonems_site.models import SiteText
from page_cache.fragments import fragments


def site_text(request):
    """The site-wide wording (footer, 'page not found') in the language of the request, read
    from the database only by templates that use it, once per content generation
    (page_cache/fragments.py)."""

    def read():
        return fragments.get_or_compute(
            request, ("site_text",), lambda: SiteText.for_language(get_language())
        )

    return {"site_text": SimpleLazyObject(read)}
