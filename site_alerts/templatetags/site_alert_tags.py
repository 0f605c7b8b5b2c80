from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_bidi, gettext

from bostonems_site.models import SiteSettings
from page_cache.fragments import fragments
from site_alerts.models import alerts_to_show

register = template.Library()


@register.simple_tag(takes_context=True)
def site_alert(context):
    """The editors' site alerts in the page's language, only while switched on and between
    their start and end times. Rendered once per content generation and language until the next
    alert change, which a cached page must not outlive either."""
    request = context.get("request")
    if request is None:
        return ""

    def render():
        language = get_language()
        alerts, next_change = alerts_to_show(language)
        # The page's language, for the link to the text-only site in it: the alert itself may
        # be in English fallback wording (render_to_string has no request context).
        html = render_to_string(
            "site_alerts/site_alert.html",
            {"alerts": alerts, "page_language": language, "page_bidi": get_language_bidi()},
        )
        return html, next_change

    return fragments.get_or_render(request, ("site_alert",), render)


@register.simple_tag(takes_context=True)
def alerts_feed_link(context):
    """<link rel="alternate"> to the Atom feed of current alerts in the page's language, for
    feed readers and partners' systems to find from any page."""
    request = context.get("request")
    if request is None:
        return ""
    name = SiteSettings.for_request(request).department_name
    return format_html(
        '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">',
        gettext("%(name)s alerts") % {"name": name},
        reverse("alerts_feed"),
    )
