"""The "Content health" panel on the admin home page: pages overdue for review and broken
links per section, "Was this page helpful?" answers per section over the last 12 months and
translations left to do per language. Each is a small SVG bar chart drawn on the server with
the same figures in a table (bostonems_site/admin_charts.py)."""

from collections import Counter
from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse

from bostonems_site.admin_charts import ChartsPanel, bar_chart
from content_health.admin_views import section_of, section_titles
from content_health.models import BrokenLink, PageFeedback
from content_health.reviews import pages_with_review_state
from content_health.translations import MISSING, OUT_OF_DATE, counts_per_language


def review_and_link_chart(today):
    titles = section_titles()
    overdue = Counter(
        section_of(path, titles)
        for path in pages_with_review_state("review_by")
        .live()
        .filter(review_review_by__lt=today)
        .values_list("path", flat=True)
    )
    broken = Counter(
        section_of(path, titles) if path else "Site-wide"
        for path in BrokenLink.objects.values_list("page__path", flat=True)
    )
    sections = sorted(set(overdue) | set(broken), key=lambda name: (name == "", name))
    rows = [(name or "Home page", [overdue[name], broken[name]]) for name in sections]
    return bar_chart(
        "Overdue for review and broken links, by section", ["Overdue", "Broken links"], rows
    )


def feedback_chart(today):
    titles = section_titles()
    answers = (
        PageFeedback.objects.filter(submitted_on__gte=today - timedelta(days=365))
        .values("page__path")
        .annotate(yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False)))
    )
    totals = {}
    for row in answers:
        name = section_of(row["page__path"], titles) or "Home page"
        yes, no = totals.get(name, (0, 0))
        totals[name] = (yes + row["yes"], no + row["no"])
    rows = [(name, list(values)) for name, values in sorted(totals.items())]
    return bar_chart("Was this page helpful? Last 12 months, by section", ["Yes", "No"], rows)


def translation_chart():

    rows = [
        (language, [tally[OUT_OF_DATE], tally[MISSING]])
        for language, tally in counts_per_language().items()
    ]
    return bar_chart("Translations to do, by language", ["Out of date", "Missing"], rows)


class ContentHealthPanel(ChartsPanel):
    name = "content-health"
    heading = "Content health"
    order = 150

    def links(self):
        return [
            (label, reverse(f"content_health_admin:{view}"))
            for label, view in [
                ("Pages due for review", "due_for_review"),
                ("Broken links", "broken_links"),
                ("Page feedback", "feedback"),
                ("Translation health", "translation_health"),
            ]
        ]

    def charts(self, today):
        return [review_and_link_chart(today), feedback_chart(today), translation_chart()]
