from django.core.management.base import BaseCommand

from content_health.link_health import check_links


class Command(BaseCommand):
    help = (
        "Check every link in published content (pages, footer, site settings, alerts) and "
        "store the broken ones for the admin report and the owners' weekly email."
    )

    def handle(self, *args, **options):
        broken = check_links()
        self.stdout.write(f"Broken links: {len(broken)}")
