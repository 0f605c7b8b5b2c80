"""Language switcher, hreflang alternates and the marking of English fallbacks; the logic
lives in bostonems_site/i18n.py."""

from django import template
from django.conf import settings
from django.utils.html import format_html

from bostonems_site.i18n import language_attributes, page_translations

register = template.Library()


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
def in_its_language(text, obj):
    """`{{ item.event_place|in_its_language:item }}`: text from `obj` inside a sentence or
    element of the page's language, wrapped in `<span lang dir>` when `obj` is in another
    language (an English fallback on a Spanish page), else unchanged (the template escapes it).
    The one helper for marking a part in its language; `lang_attrs` marks a whole element."""
    attributes = language_attributes(obj)
    return format_html("<span{}>{}</span>", attributes, text) if attributes else text


@register.filter
def bdi(text):
    """Text isolated from the sentence around it (`<bdi>`): a name written left-to-right stays
    whole inside a right-to-left sentence, and the sentence's punctuation stays outside it."""
    return format_html("<bdi>{}</bdi>", text)
