import json

from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Locale

from bostonems_site.seed import ensure_child
from divisions.models import DivisionIndexPage, DivisionPage


class Command(BaseCommand):
    help = (
        "Multiply the seed content for benchmarks and query-count checks: with --factor 10 "
        "the site has 80 divisions. Run load_seed_content first. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--factor", type=int, default=10)

    @transaction.atomic
    def handle(self, *args, factor, **options):
        index = DivisionIndexPage.objects.get(locale=Locale.get_default())
        seed_divisions = list(DivisionPage.objects.child_of(index).order_by("path")[:8])
        for copy in range(1, factor):
            for division in seed_divisions:
                ensure_child(
                    index,
                    DivisionPage,
                    f"{division.slug}-{copy}",
                    title=f"{division.title} {copy}",
                    summary=division.summary,
                    body=json.dumps(list(division.body.raw_data)),
                )
        self.stdout.write(f"{DivisionPage.objects.count()} divisions in place.")
