""" "Was this page helpful?": the form at the foot of every public page and its endpoint.

The form is on pages the page cache serves to everyone from one copy, so it carries nothing
per visitor (no CSRF token, no cookie) and the page stays a cache hit. The endpoint is exempt
from Django's token check (bostonems_site/cached_forms.py) because a forged answer can do
little harm: it cannot read or change anything of anyone's, only add one anonymous answer.
Against that and against robots it checks:

1. same origin (the browser's Origin / Sec-Fetch-Site headers), so another site's page cannot
   post answers through its visitors' browsers;
2. a per-client rate limit (rate_limits/counters.py, which keeps no address), so one client
   cannot stuff the counts;
3. a honeypot field people never see (robots that fill it are thanked and ignored).

"No" is a second step: the answer is stored at once, then a follow-up form (optional reasons
and a comment of at most 500 characters, with a warning not to write personal or medical
details) adds to that same answer through a signed, short-lived reference. Answers are POSTs,
which the page cache never stores, and every response here says `no-store`. Nothing
identifying is kept: no IP address, no session, the date without the time.
"""

from django.conf import settings
from django.core import signing
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from wagtail.models import Page

from bostonems_site.cached_forms import same_origin
from bostonems_site.visibility import public_pages
from content_health.models import FeedbackReason, PageFeedback
from rate_limits import counters

DETAILS_SALT = "content_health.feedback-details"
DETAILS_MAX_AGE = 60 * 60  # seconds to add reasons after answering "No"
COMMENT_MAX_LENGTH = 500
HONEYPOT_FIELD = "website"


def respond(request, template, context, status=200):
    response = TemplateResponse(request, template, context, status=status)
    patch_cache_control(response, no_store=True, private=True)
    return response


def problem(request, message, status, headers=None):
    template = "content_health/feedback_problem.html"
    response = respond(request, template, {"message": message}, status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def checked(view):
    """The checks every POST here passes before it may store anything (module docstring)."""

    def wrapper(request):
        if request.method != "POST":
            response = problem(request, _("Please answer from the page's form."), 405)
            response["Allow"] = "POST"
            return response
        if not same_origin(request):
            return problem(request, _("Please answer from the page's form on this site."), 403)
        window = settings.PAGE_FEEDBACK_WINDOW
        if not counters.allow(request, "page-feedback", settings.PAGE_FEEDBACK_LIMIT, window):
            return problem(
                request,
                _("Thank you: we have had many answers from you. Please try again later."),
                429,
                {"Retry-After": str(window)},
            )
        if request.POST.get(HONEYPOT_FIELD):
            return respond(request, "content_health/feedback_thanks.html", {})
        return view(request)

    return wrapper


@csrf_exempt  # protected by same origin, rate limit and honeypot: see the module docstring
@checked
def answer(request):
    """Yes or No from a page's form."""
    helpful = {"yes": True, "no": False}.get(request.POST.get("helpful", ""))
    page_id = request.POST.get("page", "")
    page = (
        public_pages(Page.objects.filter(pk=page_id)).select_related("locale").first()
        if page_id.isdigit()
        else None
    )
    if helpful is None or page is None:
        return problem(request, _("We could not tell which page or answer this was."), 400)
    entry = PageFeedback.objects.create(
        page=page,
        language=page.locale.language_code,
        helpful=helpful,
        submitted_on=timezone.localdate(),
    )
    context = {"feedback_page": page}
    if helpful:
        return respond(request, "content_health/feedback_thanks.html", context)
    context.update(details_context(entry))
    return respond(request, "content_health/feedback_details.html", context)


def details_context(entry, reasons=(), comment="", error=""):
    return {
        "reference": signing.dumps(entry.pk, salt=DETAILS_SALT),
        "reasons": FeedbackReason.choices,
        "chosen": list(reasons),
        "comment": comment,
        "error": error,
        "comment_max_length": COMMENT_MAX_LENGTH,
    }


@csrf_exempt  # as `answer`
@checked
def details(request):
    """The optional reasons and comment after "No", added to that answer once."""
    try:
        entry_id = signing.loads(
            request.POST.get("reference", ""), salt=DETAILS_SALT, max_age=DETAILS_MAX_AGE
        )
    except signing.BadSignature:
        return problem(request, _("This form has expired. Thank you for your answer."), 400)
    entry = PageFeedback.objects.filter(pk=entry_id).select_related("page").first()
    if entry is None:
        return problem(request, _("This form has expired. Thank you for your answer."), 400)
    valid = set(FeedbackReason.values)
    reasons = [reason for reason in request.POST.getlist("reasons") if reason in valid]
    comment = request.POST.get("comment", "").strip()
    context = {"feedback_page": entry.page}
    if len(comment) > COMMENT_MAX_LENGTH:
        error = _("Please shorten your comment to %(limit)s characters (it has %(count)s).") % {
            "limit": COMMENT_MAX_LENGTH,
            "count": len(comment),
        }
        context.update(details_context(entry, reasons, comment, error))
        return respond(request, "content_health/feedback_details.html", context, status=400)
    # Added once: a reference replayed later cannot rewrite what was said.
    if not entry.reasons and not entry.comment:
        entry.reasons, entry.comment = reasons, comment
        entry.save(update_fields=["reasons", "comment"])
    return respond(request, "content_health/feedback_thanks.html", context)
