"""What keeps content right after it is published: how often pages are reviewed (site
settings), what visitors say about a page ("Was this page helpful?"), and which owners were
sent their weekly reminder. The review fields themselves live on each page
(bostonems_site.models.ReviewedPageMixin) so public pages show them without a query."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="date")
class ReviewSettings(BaseSiteSetting):
    """How long a published page stays trusted before its owner must check it again."""

    clinical_review_months = models.PositiveSmallIntegerField(
        "Clinical guidance: review every (months)",
        default=12,
        help_text="Medical advice goes out of date fastest.",
    )
    review_months = models.PositiveSmallIntegerField(
        "Other pages: review every (months)", default=24
    )
    due_soon_days = models.PositiveSmallIntegerField(
        "Due soon: days ahead",
        default=30,
        help_text="Pages due within this many days are listed in the report and the owners' "
        "weekly email as due soon.",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("clinical_review_months"), FieldPanel("review_months")],
            heading="Review intervals",
        ),
        FieldPanel("due_soon_days"),
    ]

    class Meta:
        verbose_name = "Content review"

    @classmethod
    def for_default_site(cls):
        """The settings of the default site (the owners' digest and reports run outside any
        request), or the defaults before a site exists."""
        from wagtail.models import Site

        site = Site.objects.filter(is_default_site=True).first()
        return cls.for_site(site) if site is not None else cls()

    def interval_months(self, page):
        return self.clinical_review_months if page.is_clinical_guidance else self.review_months


class FeedbackReason(models.TextChoices):
    """Why a page was not helpful: a few fixed choices are easier to count than free text."""

    OUT_OF_DATE = "out-of-date", _("It is out of date or wrong")
    HARD_TO_UNDERSTAND = "hard-to-understand", _("It is hard to understand")
    MISSING = "missing", _("It does not have what I was looking for")
    BROKEN_LINK = "broken-link", _("A link or video does not work")
    OTHER = "other", _("Something else")


class PageFeedback(models.Model):
    """One visitor's answer to "Was this page helpful?". Nothing identifies the visitor: no IP
    address, no session, no time of day (the date only)."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=10)
    helpful = models.BooleanField()
    reasons = models.JSONField(default=list, blank=True)
    comment = models.TextField(max_length=500, blank=True)
    submitted_on = models.DateField()

    class Meta:
        verbose_name = "page feedback"
        verbose_name_plural = "page feedback"
        ordering = ["-submitted_on", "-pk"]

    def __str__(self):
        return f"{'Helpful' if self.helpful else 'Not helpful'}: {self.page_id}"

    @property
    def reason_labels(self):
        labels = dict(FeedbackReason.choices)
        return [str(labels[reason]) for reason in self.reasons if reason in labels]


class DigestSent(models.Model):
    """An owner's weekly reminder went out for this week: the job may run daily or hourly
    (and again after a failure) without sending anyone the same week's email twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text="The Monday of the week it was sent for.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "weekly reminder sent"
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="one_digest_per_owner_per_week")
        ]

    def __str__(self):
        return f"Reminder to {self.user} for the week of {self.week}"


class BrokenLink(models.Model):
    """A link in published content that does not lead where visitors expect, as the last
    run of `check_links` found it (each run replaces every row: the table is the current
    state, not a history)."""

    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The page the link is on; empty for links in site-wide content.",
    )
    place = models.CharField(
        max_length=255, help_text="Where the link is, e.g. 'Body' or 'Site alert: Snow'."
    )
    target = models.CharField(max_length=2000, help_text="The address, or the page linked to.")
    problem = models.CharField(max_length=255)
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["page__path", "place", "pk"]

    def __str__(self):
        return f"{self.place}: {self.target} ({self.problem})"
