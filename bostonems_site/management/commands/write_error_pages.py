"""Write the designed 503 page into STATIC_ROOT/error-pages/ for the front server.

When no app node answers, nginx has nobody to render the "not available right now" page, so it
sends this copy from disk (deploy/nginx/bostonems.conf, `error_page 502 504 =503`). It is the
same template the nodes answer with when their database is down (bostonems_site.views), rendered
the same way (no request, no database), with the collected static files' hashed addresses: run
it after collectstatic at each release.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.template import loader


class Command(BaseCommand):
    help = "Write the 503 page nginx sends when no app node answers (after collectstatic)."

    def handle(self, *args, **options):
        directory = Path(settings.STATIC_ROOT) / "error-pages"
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "503.html"
        path.write_text(loader.get_template("503.html").render(), encoding="utf-8")
        self.stdout.write(f"Wrote {path}")
