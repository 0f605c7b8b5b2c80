"""The multilingual site's language logic, in one place (template tags only call it).

The URL decides the language: `/es/...` is Spanish, an unprefixed path is English. Unlike
Django's LocaleMiddleware we never guess from Accept-Language or a cookie, so a URL always
renders the same language: the full-page cache (keyed on the URL) can never serve one
language's page to a visitor of another, and no response needs `Vary: Accept-Language`.
"""

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils import translation


class PathLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info)
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def version_in_language(queryset, language_code):
    """From translatable objects with one version per language (e.g. the site-wide text), the
    version in `language_code`, else the default language's, else None. One query; when a
    language has several, the queryset's last one wins."""
    codes = {language_code, settings.LANGUAGE_CODE}
    versions = {
        item.locale.language_code: item
        for item in queryset.filter(locale__language_code__in=codes).select_related("locale")
    }
    return versions.get(language_code) or versions.get(settings.LANGUAGE_CODE)


def page_translations(page, request):
    """The live versions of `page` in every language (itself included), as dicts with code,
    name and url; one query per page per request, shared by the head and the switcher."""
    if page is None or not hasattr(page, "get_translations"):
        return []
    if not hasattr(page, "_live_translations"):
        names = dict(settings.LANGUAGES)
        order = list(names)
        pages = page.get_translations(inclusive=True).live().select_related("locale")
        items = []
        for translation in pages:
            code = translation.locale.language_code
            url_parts = translation.get_url_parts(request)
            if code in names and url_parts:
                site_id, root_url, path = url_parts
                url = root_url + path
                info = LANG_INFO.get(code, {})
                items.append(
                    {
                        "code": code,
                        "name": names[code],
                        "bidi": info.get("bidi", False),
                        "url": url,
                        "path": path,
                        "current": translation.pk == page.pk,
                    }
                )
        items.sort(key=lambda item: order.index(item["code"]))
        page._live_translations = items
    return page._live_translations
