from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from bostonems_site.roles import ensure_roles
from bostonems_site.seed import ensure_home

# Each content app contributes a seed module with load(home, stdout); order matters where
# one app's content links to another's.
SEED_MODULES = [
    "divisions.seed",
    "media_library.seed",
    "news.seed",
    "newsletter.seed",
    "standard_pages.seed",
]
# Last: sample translations of pages the modules above created (issue 9).
TRANSLATION_SEED_MODULES = ["bostonems_site.seed_translations"]


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
        with transaction.atomic():
            home = ensure_home()
            ensure_roles()
            modules = SEED_MODULES
            if not options["without_translations"]:
                modules = [*SEED_MODULES, *TRANSLATION_SEED_MODULES]
            for module in modules:
                import_module(module).load(home, self.stdout)
        self.stdout.write(self.style.SUCCESS("Seed content is in place."))
