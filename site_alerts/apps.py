from django.apps import AppConfig


class SiteAlertsConfig(AppConfig):
    name = "site_alerts"
    verbose_name = "Site alerts"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from site_alerts.cap import issue_messages_after_change
        from site_alerts.models import SiteAlert

        # Saving or deleting an alert (or a translation) changes what partners receive. Signals
        # rather than save() and delete(), so deleting several at once in the admin is covered.
        post_save.connect(issue_messages_after_change, sender=SiteAlert)
        post_delete.connect(issue_messages_after_change, sender=SiteAlert)
