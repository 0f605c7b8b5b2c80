from django.apps import AppConfig


class StandardPagesConfig(AppConfig):
    name = "standard_pages"
    verbose_name = "Standard pages"
