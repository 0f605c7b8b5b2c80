from django import template
from django.utils.translation import get_language

from page_cache.middleware import expire_cached_page_at
from site_alerts.models import alerts_to_show

register = template.Library()


@register.inclusion_tag("site_alerts/site_alert.html", takes_context=True)
def site_alert(context):
    """The editors' site alerts in the page's language, only while switched on and between
    their start and end times. A cached page must not outlive the next alert change."""
    request = context.get("request")
    if request is None:
        return {}
    language = get_language()
    alerts, next_change = alerts_to_show(language)
    expire_cached_page_at(request, next_change)
    return {"alerts": alerts, "LANGUAGE_CODE": language}
