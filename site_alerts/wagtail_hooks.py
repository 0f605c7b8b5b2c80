from wagtail.admin.ui.tables import Column, StatusFlagColumn
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
    # Named as in the alert's form, with words rather than Python's True and False.
    list_display = [
        "title",
        Column("level", label="Level", accessor="get_level_display"),
        StatusFlagColumn("enabled", label="Show the alert", true_label="Yes", false_label="No"),
        "starts_at",
        "ends_at",
    ]
    list_filter = ["enabled", "level"]


register_snippet(SiteAlertViewSet)
