from django import template
from django.template.loader import render_to_string
from django.utils.translation import get_language

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
        html = render_to_string(
            "site_alerts/site_alert.html", {"alerts": alerts, "LANGUAGE_CODE": language}
        )
        return html, next_change

    return fragments.get_or_render(request, ("site_alert",), render)
