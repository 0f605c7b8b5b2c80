from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "page_cache"
    verbose_name = "Full-page cache"

    def ready(self):
        from . import front_server, purge

        purge.connect()
        front_server.connect()
