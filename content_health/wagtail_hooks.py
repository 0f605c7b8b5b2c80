from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse

# Wagtail's own messages, in Wagtail's translations: called by another name so that
# `make messages` does not copy them into the site's catalogues (which would then override them).
from django.utils.translation import gettext as wagtail_translation
from wagtail import hooks
from wagtail.admin import messages as admin_messages
from wagtail.admin.menu import MenuItem
from wagtail.models import Page

from bostonems_site.roles import PagePermissions
from content_health import admin_views
from content_health.dashboard import ContentHealthPanel


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [
        path(
            "due-for-review/",
            admin_views.DueForReviewReportView.as_view(),
            name="due_for_review",
        ),
        path(
            "due-for-review/results/",
            admin_views.DueForReviewReportView.as_view(results_only=True),
            name="due_for_review_results",
        ),
        path("feedback/", admin_views.FeedbackReportView.as_view(), name="feedback"),
        path("broken-links/", admin_views.BrokenLinksReportView.as_view(), name="broken_links"),
        path(
            "broken-links/results/",
            admin_views.BrokenLinksReportView.as_view(results_only=True),
            name="broken_links_results",
        ),
        path(
            "feedback/results/",
            admin_views.FeedbackReportView.as_view(results_only=True),
            name="feedback_results",
        ),
        path("translations/", admin_views.translation_health, name="translation_health"),
    ]
    return [path("content-health/", include((urls, "content_health_admin")))]


class PageWorkersMenuItem(MenuItem):
    """Shown to anyone who may add, edit or publish pages (the reports' own check)."""

    def is_shown(self, request):
        from wagtail.permission_policies.pages import PagePermissionPolicy

        return PagePermissionPolicy().user_has_any_permission(
            request.user, ["add", "change", "publish"]
        )


@hooks.register("register_reports_menu_item")
def due_for_review_menu_item():
    return PageWorkersMenuItem(
        "Pages due for review",
        reverse("content_health_admin:due_for_review"),
        name="due-for-review",
        icon_name="date",
        order=50,
    )


@hooks.register("register_reports_menu_item")
def feedback_menu_item():
    return PageWorkersMenuItem(
        "Page feedback",
        reverse("content_health_admin:feedback"),
        name="page-feedback",
        icon_name="comment",
        order=60,
    )


@hooks.register("register_reports_menu_item")
def broken_links_menu_item():
    return PageWorkersMenuItem(
        "Broken links",
        reverse("content_health_admin:broken_links"),
        name="broken-links",
        icon_name="link",
        order=55,
    )


@hooks.register("register_reports_menu_item")
def translation_health_menu_item():
    return PageWorkersMenuItem(
        "Translation health",
        reverse("content_health_admin:translation_health"),
        name="translation-health",
        icon_name="globe",
        order=65,
    )


@hooks.register("construct_homepage_panels")
def content_health_panel(request, panels):

    if PageWorkersMenuItem("", "").is_shown(request):
        panels.append(ContentHealthPanel())


@hooks.register("before_publish_page")
def clinical_guidance_waits_for_clinical_review(request, page):
    """A box ticked in the very form being published already makes the page clinical
    guidance: only a medical reviewer's approval (or an administrator) publishes it. The
    draft is kept."""
    if PagePermissions(request.user, page).can_publish():
        return None
    messages.error(
        request,
        "This page is clinical guidance: it was saved as a draft. Use 'Submit to Clinical "
        "sign-off' so a medical reviewer can approve and publish it.",
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("construct_page_action_menu")
def publish_says_it_skips_the_review(menu_items, request, context):
    """While a page waits in a workflow, a moderator is offered both Publish and Approve and
    Publish. Publish goes live at once and cancels the review (the reviewers' task is
    dropped): the label says so, so nobody skips a review by picking the shorter word."""
    page = context.get("page")
    if context.get("view") != "edit" or page is None or not page.workflow_in_progress:
        return
    for item in menu_items:
        if item.name == "action-publish":
            item.label = "Publish now, cancelling the review"


@hooks.register("after_edit_page")
def workflow_actions_say_what_happened(request, page):
    """Wagtail confirms every workflow action taken in the editor with "has been updated", so
    "Approve and Publish" read like a saved draft although the page went live: when the action
    published the page, the confirmation says so in Wagtail's own words for a publish.

    Wagtail then shows the page's section in the explorer, which a reviewer with no page
    permissions of their own (a medical reviewer) may not open: they were greeted with
    "Sorry, you do not have permission". They go back to their dashboard instead.

    `page` is the editor's copy, loaded before the action: its live revision is the one
    visitors saw before; the database has the one they see now."""
    if not request.POST.get("workflow-action-name"):
        return None
    live_now = Page.objects.filter(pk=page.pk).values_list("live_revision_id", flat=True).first()
    if live_now is not None and live_now != page.live_revision_id:
        title = {"page_title": page.get_admin_display_title()}
        updated = admin_messages.render(
            wagtail_translation("Page '%(page_title)s' has been updated.") % title, None
        )
        # Reading the queued messages takes them out of the queue: put back all but Wagtail's.
        for message in list(messages.get_messages(request)):
            if message.message != updated:
                messages.add_message(request, message.level, message.message, message.extra_tags)
        admin_messages.success(
            request, wagtail_translation("Page '%(page_title)s' has been published.") % title
        )
    if not PageWorkersMenuItem("", "").is_shown(request):
        return redirect("wagtailadmin_home")
    return None
