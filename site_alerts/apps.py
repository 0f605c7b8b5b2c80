from django.apps import AppConfig


class SiteAlertsConfig(AppConfig):
    name = "site_alerts"
    verbose_name = "Site alerts"

    def ready(self):
        from django.db.models.signals import post_delete

        from site_alerts.cap import issue_messages_after_delete
        from site_alerts.models import SiteAlert

        # A deleted alert (or translation) changes what partners receive, like a save does;
        # a signal rather than delete(), so deleting several at once in the admin is covered.
        post_delete.connect(issue_messages_after_delete, sender=SiteAlert)
