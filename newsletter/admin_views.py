"""The newsletter managers' path to sending, in the Wagtail admin: the published pages they
may send (Subscribers → Send an update), then for one page the recipients, a preview of the
email, a test sent to themselves, and the sending, which they follow to the end.

Managers have no page permissions (they are not editors), so none of this goes through the
page explorer: every view here checks the newsletter's own permissions."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language_info
from wagtail.models import Locale, Page

from bostonems_site.visibility import is_public, public_pages
from news.models import NewsPage
from newsletter import emails
from newsletter.models import Delivery, Interest, Mailing, Subscriber
from newsletter.sending import AlreadyStarted, interest_for, recipients, start_mailing

PAGES_PER_SCREEN = 25


def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


def sendable_pages(request):
    """The public news pages (published, no view restriction: the only ones subscribers may
    open) in the site's main language whose kind a topic receives, newest first, each with its
    topic, the number of recipients and its last sending."""
    _require(request, "newsletter.add_mailing")
    topics = {}  # kind -> (topic, recipient count): one count per topic, not per page
    for topic in Interest.objects.sources():
        count = recipients(topic).count()
        topics.update(dict.fromkeys(topic.news_kinds, (topic, count)))
    pages = (
        public_pages(NewsPage.objects.all())
        .filter(locale=Locale.get_default(), kind__in=list(topics))
        .order_by("-date", "-pk")
    )
    screen = Paginator(pages, PAGES_PER_SCREEN).get_page(request.GET.get("p"))
    last_sent = {}
    for mailing in Mailing.objects.filter(page__in=[page.pk for page in screen]).order_by(
        "created_at"
    ):
        last_sent[mailing.page_id] = mailing.created_at
    rows = [
        {
            "page": page,
            "topic": topics[page.kind][0],
            "recipient_count": topics[page.kind][1],
            "last_sent": last_sent.get(page.pk),
        }
        for page in screen
    ]
    return TemplateResponse(
        request,
        "newsletter/admin/sendable_pages.html",
        {"rows": rows, "screen": screen, "header_title": "Send an update"},
    )


def send_page(request, page_id):
    """GET: who will receive the page, links to preview the email, "send a test to me" and
    "send". POST `action=test` emails the manager; `action=send` asks the manager to confirm
    (nothing is sent yet); `action=confirm_send` starts the sending numbered `sending`, once
    however often that confirmation arrives."""
    _require(request, "newsletter.add_mailing")
    page = get_object_or_404(Page, pk=page_id).specific
    interest = interest_for(page)
    previous = list(Mailing.objects.filter(page=page))
    problem = unsendable(page, interest)

    status = 200
    if request.method == "POST":
        status = 400
        action = request.POST.get("action")
        if problem is not None:
            messages.error(request, problem)
        elif action == "test":
            if _send_test(request, page, interest):
                return redirect("newsletter_send_page", page.pk)
        elif action in ("send", "confirm_send"):
            send_again = request.POST.get("send_again") == "yes"
            if action == "confirm_send":
                return _start_sending(request, page, send_again)
            if previous and not send_again:
                messages.error(
                    request, "This page was sent before. Tick “Send again” to re-send it."
                )
            else:
                return _confirm_sending(request, page, interest, len(previous) + 1, send_again)
        else:
            messages.error(request, "Choose “Send a test to me” or “Send”.")

    return TemplateResponse(
        request,
        "newsletter/admin/send_page.html",
        {
            "page": page,
            "interest": interest,
            "recipient_count": recipients(interest).count() if interest else 0,
            "previous": [(mailing, mailing.progress()) for mailing in previous],
            "problem": problem,
            "languages": _preview_languages(page_id),
            "header_title": f"Send to subscribers: {page.title}",
        },
        status=status,
    )


def unsendable(page, interest):
    """Why `page` cannot be sent (or previewed as an email), or None. Subscribers get a link
    to the page, so it must be one any visitor may open: published and not private."""
    if interest is None:
        return "This kind of page is not sent to subscribers."
    if not page.live:
        return "Publish the page first: subscribers get a link to it."
    if not is_public(page):
        return (
            "This page is private (a password, a login or a group is required to see it, "
            "on the page or a page above it): subscribers could not open it. Make it public "
            "first."
        )
    return None


def _confirm_sending(request, page, interest, sequence, send_again):
    """The step between "Send" and the sending: who gets what, and a button to confirm."""
    return TemplateResponse(
        request,
        "newsletter/admin/confirm_send.html",
        {
            "page": page,
            "interest": interest,
            "recipient_count": recipients(interest).count(),
            "sequence": sequence,
            "send_again": send_again,
            "header_title": f"Send to subscribers: {page.title}",
        },
    )


def _start_sending(request, page, send_again):
    """The confirmed sending, numbered by the confirmation form: when that number has
    started already (the confirmation sent twice), the manager is shown that sending."""
    try:
        sequence = int(request.POST.get("sending", ""))
    except ValueError:
        sequence = 0
    if sequence < 1 or (sequence > 1 and not send_again):
        messages.error(request, "The form arrived incomplete: nothing was sent. Press Send again.")
        return redirect("newsletter_send_page", page.pk)
    try:
        mailing = start_mailing(page, request.user, sequence=sequence)
    except AlreadyStarted as started:
        messages.info(request, "This sending had already started; it was not started twice.")
        return redirect("newsletter_mailing", started.mailing.pk)
    messages.success(request, f"Sending “{page.title}” to subscribers.")
    return redirect("newsletter_mailing", mailing.pk)


def _preview_languages(page_id):
    """(name, preview address) for each language subscribers may have."""
    url = reverse("newsletter_preview_email", args=[page_id])
    return [
        (get_language_info(code)["name_local"], f"{url}?language={code}")
        for code, _ in settings.WAGTAIL_CONTENT_LANGUAGES
    ]


def _example_email(page, interest, email, language_code, test_note=""):
    """The update email as a subscriber in `language_code` gets it, addressed to `email`.
    The subscriber is unsaved, so its personal links lead nowhere (see update_email)."""
    recipient = Subscriber(email=email, language_code=language_code)
    mailing = Mailing(page=page, subject=page.title, interest=interest)
    return emails.update_email(recipient, mailing, page, test_note=test_note)


TEST_NOTE = (
    "TEST: sent to you alone from the admin by {name}. Subscribers have not received it. "
    "Its unsubscribe and preferences links are examples that lead nowhere."
)


def _send_test(request, page, interest):
    """Email the update to the signed-in manager, now: they wait for the answer on purpose,
    to read the email in their own mail program. A mail server problem is a message on the
    page, never an error page. True when the mail server accepted it."""
    address = request.user.email
    if not address:
        messages.error(request, "Your account has no email address: add one in Account.")
        return False
    try:
        note = TEST_NOTE.format(name=request.user.get_username())
        emails.send(_example_email(page, interest, address, settings.LANGUAGE_CODE, note))
    except emails.MailServerUnavailable:
        messages.error(request, "The mail server is not answering; try again in a few minutes.")
        return False
    except emails.MessageRefused as refusal:
        messages.error(request, f"The mail server refused the email to {address}: {refusal}")
        return False
    messages.success(request, f"A test email was sent to {address}.")
    return True


def preview_email(request, page_id):
    """The update email as subscribers will see it, in the browser: the HTML version, or the
    plain-text one with `?format=text`, in `?language=` (default: the site's language)."""
    _require(request, "newsletter.add_mailing")
    page = get_object_or_404(Page, pk=page_id).specific
    interest = interest_for(page)
    problem = unsendable(page, interest)
    if problem is not None:
        messages.error(request, problem)
        return redirect("newsletter_send_page", page.pk)
    language = request.GET.get("language", settings.LANGUAGE_CODE)
    if language not in dict(settings.WAGTAIL_CONTENT_LANGUAGES):
        language = settings.LANGUAGE_CODE
    message = _example_email(page, interest, request.user.email or "you@example.org", language)
    if request.GET.get("format") == "text":
        return HttpResponse(message.body, content_type="text/plain; charset=utf-8")
    html, _ = message.alternatives[0]
    return HttpResponse(html)


NOT_DELIVERED_SHOWN = 100


def mailing_status(request, pk):
    """The sending's counts, and who did not get it and why (the mail server's refusal, or
    what changed since it started), the first NOT_DELIVERED_SHOWN of them."""
    _require(request, "newsletter.view_mailing")
    mailing = get_object_or_404(Mailing.objects.select_related("page", "interest"), pk=pk)
    not_delivered = (
        mailing.deliveries.filter(status__in=[Delivery.Status.FAILED, Delivery.Status.SKIPPED])
        .select_related("subscriber")
        .order_by("pk")[:NOT_DELIVERED_SHOWN]
    )
    return TemplateResponse(
        request,
        "newsletter/admin/mailing.html",
        {
            "mailing": mailing,
            "not_delivered": not_delivered,
            "progress": mailing.progress(),
            "header_title": f"Sending: {mailing.subject}",
        },
    )
