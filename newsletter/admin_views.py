"""Admin views for sending a published page to subscribers and following the sending."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from wagtail.models import Page

from newsletter.models import Mailing
from newsletter.sending import interest_for, recipients, start_mailing


def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


def send_page(request, page_id):
    """GET: who will receive the page (count) and earlier sendings. POST: start sending."""
    _require(request, "newsletter.add_mailing")
    page = get_object_or_404(Page, pk=page_id).specific
    interest = interest_for(page)
    previous = list(Mailing.objects.filter(page=page))
    problem = None
    if interest is None:
        problem = "This kind of page is not sent to subscribers."
    elif not page.live:
        problem = "Publish the page first: subscribers get a link to it."

    if request.method == "POST" and problem is None:
        if previous and request.POST.get("send_again") != "yes":
            messages.error(request, "This page was sent before. Tick 'Send again' to re-send it.")
        else:
            mailing = start_mailing(page, request.user)
            messages.success(request, f"Sending '{page.title}' to subscribers.")
            return redirect("newsletter_mailing", mailing.pk)

    return TemplateResponse(
        request,
        "newsletter/admin/send_page.html",
        {
            "page": page,
            "interest": interest,
            "recipient_count": recipients(interest).count() if interest else 0,
            "previous": [(mailing, mailing.progress()) for mailing in previous],
            "problem": problem,
            "header_title": f"Send to subscribers: {page.title}",
        },
        status=400 if request.method == "POST" else 200,
    )


def mailing_status(request, pk):
    _require(request, "newsletter.view_mailing")
    mailing = get_object_or_404(Mailing.objects.select_related("page", "interest"), pk=pk)
    return TemplateResponse(
        request,
        "newsletter/admin/mailing.html",
        {
            "mailing": mailing,
            "progress": mailing.progress(),
            "header_title": f"Sending: {mailing.subject}",
        },
    )
