from django.apps import AppConfig


class SiteAlertsConfig(AppConfig):
    name = "site_alerts"
    verbose_name = "Site alerts"
