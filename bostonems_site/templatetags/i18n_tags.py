"""Language switcher and hreflang alternates; the logic lives in bostonems_site/i18n.py."""

from django import template
from django.conf import settings

from bostonems_site.i18n import page_translations

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
