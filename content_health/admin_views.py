"""The content-health reports in the admin (Reports menu), built on Wagtail's report views so
they filter, paginate and export to CSV and Excel like Wagtail's own:

- Pages due for review: overdue and soon-due pages, by owner, section and language;
- Page feedback: "Was this page helpful?" counts per page, and the answers with their reasons
  and comments.

Editors and moderators (anyone who may add, edit or publish pages) see them."""

from datetime import timedelta

import django_filters
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Locale, Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from content_health.digest import admin_url
from content_health.models import BrokenLink, PageFeedback, ReviewSettings
from content_health.reviews import owned_by, pages_with_review_state
from content_health.translations import MISSING, OUT_OF_DATE, translation_rows

EDIT_PAGE = "wagtailadmin_pages:edit"


def section_choices():
    """The site's sections: the English home page's children (their translations are the same
    section in other languages)."""
    sections = Page.objects.filter(depth=3, locale__language_code="en").order_by("path")
    return [(str(page.translation_key), page.title) for page in sections]


def in_section(translation_key, path_field="path"):
    """Pages under any language's version of the section with this translation key."""
    paths = Page.objects.filter(depth=3, translation_key=translation_key).values_list(
        "path", flat=True
    )
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{path_field}__startswith": path})
    return query


def language_choices():
    return [(locale.pk, locale.get_display_name()) for locale in Locale.objects.order_by("pk")]


def section_titles():
    """Section title by page path prefix, for labelling rows."""
    return {page.path: page.title for page in Page.objects.filter(depth=3).only("path", "title")}


def section_of(path, titles):
    return titles.get(path[:12], "")


class ReviewStatus:
    OVERDUE = "overdue"
    DUE_SOON = "due-soon"
    ALL = "all"
    choices = [
        (OVERDUE, "Overdue"),
        (DUE_SOON, "Due soon"),
        (ALL, "All pages with a review date"),
    ]


def owner_choices():
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    groups = Group.objects.order_by("name")
    return [(f"user:{user.pk}", user.get_username()) for user in users] + [
        (f"group:{group.pk}", f"Team: {group.name}") for group in groups
    ]


def owned_by_choice(pages, value):
    """`pages` (with review state) owned by the owner chosen in a filter: "user:3", "group:2"."""
    kind, _, pk = value.partition(":")
    if kind == "group":
        return pages.filter(review_owner_group_id=pk)
    user = get_user_model().objects.filter(pk=pk).first()
    return pages.filter(owned_by(user)) if user else pages.none()


def describe_review_state(pages):
    """`pages` (with review state) as a list, each with `owner_names` to show."""
    pages = list(pages)
    users = get_user_model().objects.in_bulk({p.review_owner_user_id for p in pages} - {None})
    groups = Group.objects.in_bulk({p.review_owner_group_id for p in pages} - {None})
    for page in pages:
        owner_user = users.get(page.review_owner_user_id)
        owner_group = groups.get(page.review_owner_group_id)
        names = [owner_user.get_username()] if owner_user else []
        names += [f"Team: {owner_group.name}"] if owner_group else []
        page.owner_names = ", ".join(names) or "No owner"
    return pages


class DueForReviewFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=ReviewStatus.choices,
        method="filter_status",
        empty_label="Overdue or due soon",
    )
    owner = django_filters.ChoiceFilter(label="Owner", choices=owner_choices, method="filter_owner")
    section = django_filters.ChoiceFilter(
        label="Section", choices=section_choices, method="filter_section"
    )
    locale = django_filters.ChoiceFilter(label="Language", choices=language_choices)

    class Meta:
        model = Page
        fields = ["status", "owner", "section", "locale"]

    def filter_status(self, queryset, name, value):
        # The default (no status chosen) is applied by the view, which knows the horizon.
        today = timezone.localdate()
        if value == ReviewStatus.OVERDUE:
            return queryset.filter(review_review_by__lt=today)
        if value == ReviewStatus.DUE_SOON:
            return queryset.filter(review_review_by__gte=today)
        return queryset

    def filter_owner(self, queryset, name, value):
        return owned_by_choice(queryset, value)

    def filter_section(self, queryset, name, value):
        return queryset.filter(in_section(value))


class DueForReviewReportView(ReportView):
    page_title = "Pages due for review"
    header_icon = "date"
    index_url_name = "content_health_admin:due_for_review"
    index_results_url_name = "content_health_admin:due_for_review_results"
    filterset_class = DueForReviewFilterSet
    model = Page
    any_permission_required = ["add", "change", "publish"]
    columns = [
        TitleColumn("title", label="Page", url_name=EDIT_PAGE),
        Column("language_name", label="Language"),
        Column("section_title", label="Section"),
        Column("owner_names", label="Owner"),
        DateColumn("review_review_by", label="Review by"),
        Column("review_status", label="Status"),
    ]
    export_headings = {
        "title": "Page",
        "language_name": "Language",
        "section_title": "Section",
        "owner_names": "Owner",
        "review_review_by": "Review by",
        "review_status": "Status",
        "edit_url": "Edit address",
    }
    list_export = list(export_headings)

    def get_queryset(self):
        pages = pages_with_review_state().filter(review_review_by__isnull=False).live()
        # Overdue or due soon unless another status is chosen (the filter applies that).
        if self.request.GET.get("status", "") in ("", ReviewStatus.DUE_SOON):
            horizon = timezone.localdate() + timedelta(
                days=ReviewSettings.for_request(self.request).due_soon_days
            )
            pages = pages.filter(review_review_by__lte=horizon)
        return pages.order_by("review_review_by", "path")

    def decorate_paginated_queryset(self, pages):
        pages = describe_review_state(pages)
        titles = section_titles()
        today = timezone.localdate()
        for page in pages:
            page.language_name = page.locale.get_display_name()
            page.section_title = section_of(page.path, titles)
            page.review_status = "Overdue" if page.review_review_by < today else "Due soon"
            page.edit_url = admin_url(reverse(EDIT_PAGE, args=[page.pk]))
        return pages


class FeedbackFilterSet(WagtailFilterSet):
    section = django_filters.ChoiceFilter(
        label="Section", choices=section_choices, method="filter_section"
    )
    language = django_filters.ChoiceFilter(
        label="Language",
        choices=lambda: [
            (locale.language_code, locale.get_display_name()) for locale in Locale.objects.all()
        ],
    )

    class Meta:
        model = PageFeedback
        fields = ["helpful", "section", "language"]

    def filter_section(self, queryset, name, value):
        return queryset.filter(in_section(value, "page__path"))


class PageWorkersOnly:
    """Reports about objects that are not pages, open to anyone who may work on pages."""

    permission_policy = None

    def dispatch(self, request, *args, **kwargs):
        require_page_worker(request)
        return super().dispatch(request, *args, **kwargs)


class FeedbackReportView(PageWorkersOnly, ReportView):
    """Every answer, newest first, with the page's totals beside it."""

    page_title = "Page feedback"
    header_icon = "comment"
    index_url_name = "content_health_admin:feedback"
    index_results_url_name = "content_health_admin:feedback_results"
    filterset_class = FeedbackFilterSet
    model = PageFeedback
    columns = [
        DateColumn("submitted_on", label="Date"),
        TitleColumn("page_title", label="Page", url_name=EDIT_PAGE, id_accessor="page_id"),
        Column("section", label="Section"),
        Column("language", label="Language"),
        Column("answer", label="Helpful?"),
        Column("reason_text", label="Reasons"),
        Column("comment", label="Comment"),
        Column("page_totals", label="Page totals (yes / no)"),
    ]
    list_export = [
        "submitted_on",
        "page_title",
        "section",
        "language",
        "answer",
        "reason_text",
        "comment",
        "page_yes",
        "page_no",
    ]
    export_headings = {
        "submitted_on": "Date",
        "page_title": "Page",
        "section": "Section",
        "language": "Language",
        "answer": "Helpful?",
        "reason_text": "Reasons",
        "comment": "Comment",
        "page_yes": "Page: helpful",
        "page_no": "Page: not helpful",
    }

    def get_queryset(self):
        return PageFeedback.objects.select_related("page").order_by("-submitted_on", "-pk")

    def decorate_paginated_queryset(self, entries):
        entries = list(entries)
        titles = section_titles()
        totals = {
            row["page"]: row
            for row in PageFeedback.objects.filter(page__in={e.page_id for e in entries})
            .values("page")
            .annotate(
                yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
            )
        }
        for entry in entries:
            entry.page_title = entry.page.title
            entry.section = section_of(entry.page.path, titles)
            entry.answer = "Yes" if entry.helpful else "No"
            entry.reason_text = "; ".join(entry.reason_labels)
            entry.page_yes = totals[entry.page_id]["yes"]
            entry.page_no = totals[entry.page_id]["no"]
            entry.page_totals = f"{entry.page_yes} / {entry.page_no}"
        return entries


class BrokenLinksFilterSet(WagtailFilterSet):
    owner = django_filters.ChoiceFilter(label="Owner", choices=owner_choices, method="filter_owner")
    section = django_filters.ChoiceFilter(
        label="Section", choices=section_choices, method="filter_section"
    )

    class Meta:
        model = BrokenLink
        fields = ["owner", "section"]

    def filter_owner(self, queryset, name, value):
        pages = owned_by_choice(pages_with_review_state(), value)
        return queryset.filter(page__in=pages.values("pk"))

    def filter_section(self, queryset, name, value):
        return queryset.filter(in_section(value, "page__path"))


class BrokenLinksReportView(PageWorkersOnly, ReportView):
    """The broken links the last link check found (content_health/link_health.py), by page."""

    page_title = "Broken links"
    header_icon = "link"
    index_url_name = "content_health_admin:broken_links"
    index_results_url_name = "content_health_admin:broken_links_results"
    filterset_class = BrokenLinksFilterSet
    model = BrokenLink
    columns = [
        TitleColumn("page_title", label="Page", url_name=EDIT_PAGE, id_accessor="page_id"),
        Column("owner_names", label="Owner"),
        Column("place", label="Where on the page"),
        Column("target", label="Link"),
        Column("problem", label="Problem"),
        DateColumn("checked_at", label="Checked"),
    ]
    export_headings = {
        "page_title": "Page",
        "owner_names": "Owner",
        "place": "Where on the page",
        "target": "Link",
        "problem": "Problem",
        "checked_at": "Checked",
    }
    list_export = list(export_headings)

    def get_queryset(self):
        return BrokenLink.objects.select_related("page")

    def decorate_paginated_queryset(self, links):
        links = list(links)
        state = pages_with_review_state().in_bulk({link.page_id for link in links} - {None})
        names = {page.pk: page.owner_names for page in describe_review_state(state.values())}
        for link in links:
            link.page_title = link.page.title if link.page_id else "Site-wide (footer, alerts)"
            link.owner_names = names.get(link.page_id, "")
        return links


def require_page_worker(request):
    if not PagePermissionPolicy().user_has_any_permission(
        request.user, ["add", "change", "publish"]
    ):
        raise PermissionDenied


def translation_health(request):
    """One language's translation status of every page and translatable snippet."""

    require_page_worker(request)
    languages = Locale.objects.exclude(language_code=settings.LANGUAGE_CODE).order_by("pk")
    chosen = request.GET.get("language") or (languages[0].language_code if languages else "")
    if not languages.filter(language_code=chosen).exists():
        raise Http404("No such language")
    rows = translation_rows(chosen)
    shown = request.GET.get("status", "needs-work")
    if shown == "needs-work":
        rows = [row for row in rows if row.status in (MISSING, OUT_OF_DATE)]
    return TemplateResponse(
        request,
        "content_health/admin/translation_health.html",
        {
            "header_title": "Translation health",
            "languages": [
                (locale.language_code, locale.get_display_name()) for locale in languages
            ],
            "chosen": chosen,
            "shown": shown,
            "rows": rows,
        },
    )
