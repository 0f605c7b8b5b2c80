from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language


def site_text(request):
    """The site-wide wording (footer, 'page not found') in the language of the request, read
    from the database only by templates that use it."""
    from bostonems_site.models import SiteText

    return {"site_text": SimpleLazyObject(lambda: SiteText.for_language(get_language()))}
