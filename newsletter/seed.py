"""The newsletter sign-up page (under the home page), the two topics from the department's
sidebar, and the "Newsletter managers" group. Idempotent: only creates what is missing."""

from bostonems_site.seed import ensure_child
from newsletter.models import Interest, NewsletterSignupPage
from newsletter.permissions import ensure_managers_group

INTERESTS = [
    ("News and Events", "news-and-events"),
    ("Career and Training Opportunities", "career-and-training-opportunities"),
]


def load(home, stdout):
    ensure_managers_group()
    if not Interest.objects.exists():
        for order, (name, slug) in enumerate(INTERESTS, start=1):
            Interest.objects.create(name=name, slug=slug, sort_order=order)
        stdout.write("Created the newsletter topics.")
    _, created = ensure_child(
        home,
        NewsletterSignupPage,
        "sign-up",
        title="Sign up for updates",
        search_description="Get email updates from Boston EMS about news and events, and "
        "career and training opportunities.",
    )
    if created:
        stdout.write("Created the newsletter sign-up page.")
