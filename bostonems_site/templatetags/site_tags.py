import json
import re

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.models import Site

register = template.Library()

# The same escapes as Django's json_script: no "</script>" or "<!--" can appear in the output.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def tel_href(number):
    """'617-343-2367' -> '+16173432367'-style digits usable in a tel: link."""
    number = str(number or "")
    digits = re.sub(r"[^\d]", "", number)
    return f"+{digits}" if number.strip().startswith("+") else digits


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """The home page's children that editors ticked 'Show in menus', in page-tree order."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return {"menu_items": []}
    current = context.get("page")
    current_path = getattr(current, "path", "")
    items = []
    for page in site.root_page.get_children().live().in_menu():
        if current_path == page.path:
            state = "page"
        elif current_path.startswith(page.path):
            state = "true"
        else:
            state = ""
        items.append({"page": page, "current": state})
    return {"menu_items": items, "request": request}


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page):
    # Depth 1 is Wagtail's invisible root; the trail starts at the home page.
    ancestors = page.get_ancestors().filter(depth__gt=1)
    return {"ancestors": ancestors, "page": page, "request": context.get("request")}


@register.filter
def jsonld(data):
    """Render a dict as a JSON-LD script block, escaped so text can't close the tag."""
    encoded = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(encoded))  # noqa: S308
