"""The owner and review fields every page carries (see ReviewedPageMixin)."""

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from bostonems_site.roles import clinical_workflow


class ReviewedPageMixin(models.Model):
    """Who answers for a page and when it must next be checked, on every page type.

    The fields live on the page's own row so that the public page shows its review dates (and
    clinical sign-off) with no extra query. What sets them (the review interval in site
    settings, each publish counting as a review, the clinical reviewers' approval), the reports
    and the owners' digest live in the content_health app, which depends on this and not the
    reverse.

    Clinical guidance (medical advice to the public) is published only through the Clinical
    review workflow, approved by a medical reviewer (bostonems_site/roles.py): a page type that
    is always clinical guidance sets `always_clinical_guidance = True`."""

    always_clinical_guidance = False

    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Owner (person)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who keeps this page right: they get the weekly reminder when it is due.",
    )
    owner_group = models.ForeignKey(
        "auth.Group",
        verbose_name="Owner (team)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="…or a team: everyone in it gets the reminder.",
    )
    clinical_guidance = models.BooleanField(
        "Clinical guidance",
        default=False,
        help_text="Tick when the page gives medical advice: it is then published only after a "
        "medical reviewer (Office of the Medical Director) approves it, and reviewed yearly.",
    )
    last_reviewed_on = models.DateField("Last reviewed", null=True, blank=True)
    review_by = models.DateField(
        "Review by",
        null=True,
        blank=True,
        help_text="Set on each publish from the review interval in Settings → Content review.",
    )
    clinically_reviewed_on = models.DateField("Clinically reviewed", null=True, blank=True)

    review_panels = [
        MultiFieldPanel(
            [
                FieldPanel("owner_user"),
                FieldPanel("owner_group"),
                FieldPanel("clinical_guidance"),
                FieldPanel("last_reviewed_on", read_only=True),
                FieldPanel("review_by", read_only=True),
            ],
            heading="Owner and review",
        )
    ]

    class Meta:
        abstract = True

    @property
    def is_clinical_guidance(self):
        return self.always_clinical_guidance or self.clinical_guidance

    def get_workflow(self):
        """Clinical guidance goes through the Clinical review workflow, whatever the workflow
        of its part of the tree."""
        if self.is_clinical_guidance:
            workflow = clinical_workflow()
            if workflow is not None:
                return workflow
        return super().get_workflow()
