from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from bostonems_site.roles import ensure_roles
from bostonems_site.seed import ensure_home

# Each content app contributes a seed module with load(home, stdout); order matters where
# one app's content links to another's.
SEED_MODULES = ["divisions.seed", "media_library.seed", "news.seed", "newsletter.seed"]


class Command(BaseCommand):
    help = (
        "Create the site, home page and sample content from the department's seed text. "
        "Safe to run again: existing pages are left as editors changed them."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            home = ensure_home()
            ensure_roles()
            for module in SEED_MODULES:
                import_module(module).load(home, self.stdout)
        self.stdout.write(self.style.SUCCESS("Seed content is in place."))
