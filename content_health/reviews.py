"""Review dates: each publish counts as a review and moves the page's "review by" date on by
the interval in site settings (Settings → Content review); clinical guidance also records when
a medical reviewer last approved it. And the one query the report, the dashboard and the
owners' digest read pages' review state with.

Why not wagtail-periodic-review: its releases support Wagtail 6 and 7 only, it has no page
owner, its interval is per page type (here a page of any type can be clinical guidance), and it
looks each page's interval up page by page (a query per page on a listing)."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.models import Page, TaskState, WorkflowState, get_page_models
from wagtail.signals import page_published

from bostonems_site.page_review import ReviewedPageMixin
from bostonems_site.roles import CLINICAL_TASK_NAME
from content_health.models import ReviewSettings


def connect():
    page_published.connect(record_review, dispatch_uid="content_health.record_review")


def review_settings_for(page):
    site = page.get_site()
    return ReviewSettings.for_site(site) if site is not None else ReviewSettings()


def record_review(sender, instance, revision=None, **kwargs):
    """Publishing is the owner saying the page is right today: it was reviewed today and is
    next due after the interval for its kind of page."""
    if not isinstance(instance, ReviewedPageMixin):
        return
    today = timezone.localdate()
    instance.last_reviewed_on = today
    instance.review_by = today + relativedelta(
        months=review_settings_for(instance).interval_months(instance)
    )
    fields = ["last_reviewed_on", "review_by"]
    if instance.is_clinical_guidance:
        signed_off = clinical_sign_off(instance)
        if signed_off is not None:
            instance.clinically_reviewed_on = signed_off
            fields.append("clinically_reviewed_on")
    elif instance.clinically_reviewed_on is not None:
        # No longer medical advice: the public page no longer claims a clinical review.
        instance.clinically_reviewed_on = None
        fields.append("clinically_reviewed_on")
    # A save, not an update(): the page cache purges on it (with the publish, once, at commit).
    instance.save(clean=False, update_fields=fields)


def clinical_sign_off(page):
    """The day a medical reviewer last approved this page's Clinical review task, or None."""
    finished_at = (
        TaskState.objects.filter(
            workflow_state__in=WorkflowState.objects.for_instance(page),
            task__name=CLINICAL_TASK_NAME,
            status=TaskState.STATUS_APPROVED,
        )
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    return timezone.localdate(finished_at) if finished_at else None


# --- Reading review state across page types --------------------------------------------------


def reviewed_page_models():
    return [model for model in get_page_models() if issubclass(model, ReviewedPageMixin)]


REVIEW_FIELDS = {
    "review_by": models.DateField(),
    "last_reviewed_on": models.DateField(),
    "owner_user_id": models.IntegerField(),
    "owner_group_id": models.IntegerField(),
    "clinical_guidance": models.BooleanField(),
}


def pages_with_review_state(*names):
    """Every page of a reviewed type as plain Page rows annotated with its review fields
    (`names`, default all, each as review_<name>): the
    fields live on each page type's own table, so each is read from whichever of those tables
    holds the page (one indexed lookup per type), and the result filters, sorts and paginates
    as one query."""
    page_models = reviewed_page_models()
    annotations = {}
    for name, output_field in REVIEW_FIELDS.items():
        if names and name not in names:
            continue
        lookups = [
            Subquery(
                model._base_manager.filter(page_ptr_id=OuterRef("pk")).values(name)[:1],
                output_field=output_field,
            )
            for model in page_models
        ]
        if len(lookups) == 1:
            lookups.append(models.Value(None, output_field=output_field))
        annotations[f"review_{name}"] = Coalesce(*lookups, output_field=output_field)
    return (
        Page.objects.type(*page_models)
        .annotate(**annotations)
        .select_related("locale", "content_type")
    )


def due_pages(today=None, review_settings=None):
    """Live pages whose review is overdue or due within the 'due soon' days, soonest first."""
    today = today or timezone.localdate()
    review_settings = review_settings or ReviewSettings.for_default_site()
    horizon = today + timedelta(days=review_settings.due_soon_days)
    return (
        pages_with_review_state()
        .live()
        .filter(review_review_by__lte=horizon)
        .order_by("review_review_by", "path")
    )


def owned_by(user):
    """Pages `user` answers for: their own, and their teams'."""
    group_ids = list(Group.objects.filter(user=user).values_list("pk", flat=True))
    return Q(review_owner_user_id=user.pk) | Q(review_owner_group_id__in=group_ids)
