from django.apps import AppConfig


class BostonEmsSiteConfig(AppConfig):
    name = "bostonems_site"
    verbose_name = "Boston EMS site"

    def ready(self):
        from . import cache_purge

        cache_purge.connect()
