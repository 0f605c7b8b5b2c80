from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from bostonems_site.roles import ensure_roles
from bostonems_site.seed import ensure_home


def seed_modules():
    """The `seed` module of each of the project's own apps (top-level packages of this
    repository), in INSTALLED_APPS order. The core finds them through the app registry rather
    than naming content apps; an app whose content links to another's is listed after it.

    A seed module contributes with `load(home, stdout)` and, for the sample translations,
    `load_translations(home, stdout)`; both must be idempotent and leave what editors changed
    alone. `bostonems_site.seed` has only the latter (ensure_home creates the home page first)."""
    project_dir = Path(settings.BASE_DIR).resolve()
    modules = []
    for app_config in apps.get_app_configs():
        ours = Path(app_config.path).resolve().parent == project_dir
        if ours and module_has_submodule(app_config.module, "seed"):
            modules.append(import_module(f"{app_config.name}.seed"))
    return modules


class Command(BaseCommand):
    help = (
        "Create the site, home page and sample content from the department's seed text. "
        "Safe to run again: existing pages are left as editors changed them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-translations",
            action="store_true",
            help="Skip the sample translations (the English site only).",
        )

    def handle(self, *args, **options):
        modules = seed_modules()
        steps = ["load"] if options["without_translations"] else ["load", "load_translations"]
        with transaction.atomic():
            home = ensure_home()
            ensure_roles()
            # Every app's content first, then the translations, which may point at any of it.
            for step in steps:
                for module in modules:
                    if hasattr(module, step):
                        getattr(module, step)(home, self.stdout)
        self.stdout.write(self.style.SUCCESS("Seed content is in place."))
