from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from site_alerts.models import SiteAlert


class SiteAlertViewSet(SnippetViewSet):
    """Alerts in their own menu item: they are urgent, editors must find them at once."""

    model = SiteAlert
    icon = "warning"
    menu_label = "Site alerts"
    menu_order = 150  # right after Pages
    add_to_admin_menu = True
    list_display = ["title", "level", "enabled", "starts_at", "ends_at"]
    list_filter = ["enabled", "level"]


register_snippet(SiteAlertViewSet)
