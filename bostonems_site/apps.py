from django.apps import AppConfig


class BostonEmsSiteConfig(AppConfig):
    name = "bostonems_site"
    verbose_name = "Boston EMS site"
