"""Language switcher, hreflang alternates and the marking of English fallbacks."""

from django import template
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils.html import format_html

from bostonems_site.i18n import UNTRANSLATED_COPY, language_attributes

register = template.Library()


def page_translations(page, request):
    """The live translations of `page` in every language (itself included unless it is an
    untranslated copy), as dicts with code, name and url; one query per page per request,
    shared by the head, the switcher and the language redirect."""
    if page is None or not hasattr(page, "get_translations"):
        return []
    if not hasattr(page, "_live_translations"):
        names = dict(settings.LANGUAGES)
        order = list(names)
        pages = (
            page.get_translations(inclusive=True)
            .live()
            .exclude(UNTRANSLATED_COPY)
            .select_related("locale")
        )
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


@register.inclusion_tag("includes/hreflang_links.html", takes_context=True)
def hreflang_links(context):
    items = page_translations(context.get("page"), context.get("request"))
    default = next((i for i in items if i["code"] == settings.LANGUAGE_CODE), None)
    return {"translations": items if len(items) > 1 else [], "default": default}


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    items = page_translations(context.get("page"), context.get("request"))
    return {"translations": items if len(items) > 1 else []}


@register.filter
def lang_attrs(obj):
    """`<h3{{ division|lang_attrs }}>`: lang and dir for an English fallback (see
    bostonems_site.i18n.language_attributes)."""
    return language_attributes(obj)


@register.filter
def bdi(text):
    """Text isolated from the sentence around it (`<bdi>`): a name written left-to-right stays
    whole inside a right-to-left sentence, and the sentence's punctuation stays outside it."""
    return format_html("<bdi>{}</bdi>", text)
