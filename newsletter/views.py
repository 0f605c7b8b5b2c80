"""Public newsletter views: the sign-up endpoint, "check your email", confirm and preferences.

CSRF protection without a per-visitor token
-------------------------------------------
The sign-up form appears on the home page and on the sign-up page, which the page cache
(page_cache/) serves to every visitor from one shared copy. A Django CSRF token in those pages
would either be handed to every visitor of the cached copy or force a cookie and stop the
caching. So the form carries no token and rendering it sets no cookie. The sign-up endpoint
(`signup` below) is exempt from Django's token check and instead protects the POST by:

1. **Same-origin check**: the browser's `Origin` header must equal this site's own origin
   (scheme + host, or an entry in CSRF_TRUSTED_ORIGINS). Without an `Origin` header the request
   must carry `Sec-Fetch-Site: same-origin`. Every current browser sends at least one of them
   on a form POST, and a page on another site cannot forge them. Cross-site, `Origin: null`
   and header-less POSTs get a friendly 403 and change nothing.
2. **Double opt-in**: a sign-up only ever sends an email to the address entered; nothing about
   anyone's subscription changes until the owner of that mailbox opens the signed link and
   presses Confirm. A forged request could at worst trigger one email (rate-limited per
   address and per client), never subscribe, unsubscribe or change topics.
3. A honeypot field and per-client rate limiting against robots.

The confirm and preferences pages are reached through signed links, are never cached
(`Cache-Control: private, no-cache…`) and use Django's normal CSRF token on their POSTs.

Database outage
---------------
Every view here needs the database. When it is unreachable the visitor gets a 503 page (with
Retry-After) saying that nothing was saved and to try again: never a 500, and never a "check
your email" page for a sign-up that was not stored (see `database_required`).
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language, get_language_from_path
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from newsletter import services
from newsletter.forms import PreferencesForm, SignupForm
from newsletter.models import Interest, NewsletterSignupPage, Subscriber
from newsletter.tokens import (
    ExpiredToken,
    InvalidToken,
    make_preferences_token,
    matches,
    read_token,
)
from rate_limits import counters

Status = Subscriber.Status
# How long a visitor is asked to wait when the database is unreachable.
RETRY_AFTER_SECONDS = 60


def database_required(view):
    """Answer 503 "nothing was saved, try again" when the database is unreachable.

    The page is rendered from the template alone (its wording from the translation catalogue,
    not from the sign-up page in the database) and nothing after it touches the database. A
    database error also rolls back whatever the view had started, so the page tells the
    truth: nothing was stored."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()  # here, where a database error still gets this page
            return response
        except (OperationalError, InterfaceError):
            response = render(
                request,
                "newsletter/unavailable.html",
                {"was_sending": request.method == "POST"},
                status=503,
            )
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            patch_cache_control(response, no_store=True)
            return response

    return wrapper


def same_origin(request):
    """True when the browser says the POST came from a page of this site."""
    origin = request.headers.get("Origin")
    if origin is not None:
        own = f"{request.scheme}://{request.get_host()}"
        return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS
    return request.headers.get("Sec-Fetch-Site") == "same-origin"


def problem(request, texts, message, status, headers=None):
    """A friendly page for anything that went wrong, with the right 4xx status."""
    response = TemplateResponse(
        request, "newsletter/problem.html", {"texts": texts, "message": message}, status=status
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def wrong_method(request, texts, allowed):
    return problem(request, texts, texts.wrong_method_text, 405, {"Allow": ", ".join(allowed)})


def render_signup_page(request, page, form, status):
    context = page.get_context(request, form=form)
    response = TemplateResponse(request, page.get_template(request), context, status=status)
    return response.render()  # now, while the form's language is active


def signup_language(source):
    """The language of the page the form was sent from (its path: /es/... is Spanish); the
    endpoint itself has no language prefix."""
    return (get_language_from_path(source or "") or get_language() or settings.LANGUAGE_CODE)[:15]


@csrf_exempt  # protected by same_origin() + double opt-in: see the module docstring
@database_required
def signup(request):
    """POST-only endpoint of the sign-up form; redirects to "check your email" on success
    (the same page whether or not the address was known)."""
    texts = NewsletterSignupPage.for_active_language()
    if request.method != "POST":
        return wrong_method(request, texts, ["POST"])
    if not same_origin(request):
        return problem(request, texts, texts.forbidden_text, 403)
    window = settings.NEWSLETTER_SIGNUP_WINDOW
    if not counters.allow(request, "signup", settings.NEWSLETTER_SIGNUP_LIMIT, window):
        return problem(request, texts, texts.too_many_text, 429, {"Retry-After": str(window)})
    try:
        data = request.POST
    except (MultiPartParserError, BadRequest, SuspiciousOperation):
        return problem(request, texts, texts.error_form_tampered, 400)
    # Errors are shown in the language of the page the form was on.
    language = signup_language(data.get("source"))
    texts = NewsletterSignupPage.for_language(language)
    # The topic values are the English topics' slugs, so a sign-up in any language stores
    # the same topics; their names are shown in the page's language.
    with translation.override(language):
        form = SignupForm(data, interests=Interest.objects.localized(), texts=texts)
        if form.is_robot:
            return redirect("newsletter:check_email")  # tell robots nothing
        if not form.is_valid():
            response = render_signup_page(request, texts, form, status=400)
            response["Content-Language"] = language
            return response
    services.request_subscription(
        services.SignupRequest(
            email=form.cleaned_data["email"],
            interests=form.chosen_interests,
            source=form.cleaned_data["source"][:255],
            consent_text=texts.consent_text,
            language_code=signup_language(form.cleaned_data["source"]),
        )
    )
    return redirect("newsletter:check_email")


@database_required
def check_email(request):
    texts = NewsletterSignupPage.for_active_language()
    if request.method not in ("GET", "HEAD"):
        return wrong_method(request, texts, ["GET", "HEAD"])
    return TemplateResponse(request, "newsletter/check_email.html", {"texts": texts})


def in_language(language_code, view, request, subscriber, payload):
    """Run `view` in the subscriber's language (the one they signed up in: its sign-up page
    translation words the page, topics are named in it) and render it there and then."""
    with translation.override(language_code):
        texts = NewsletterSignupPage.for_language(language_code)
        response = view(request, texts, subscriber, payload)
        if hasattr(response, "render"):
            response.render()
        response["Content-Language"] = translation.get_language()
    return response


def private_link_page(view):
    """Pages reached from an emailed link: never cached, not indexed, and the token in the
    address never leaks to another site through the Referer header ("same-origin", not
    "no-referrer": with no-referrer browsers send `Origin: null` and the CSRF check of our own
    POST would fail). Resolves the token to a subscriber or answers with a friendly 400
    (changed link), 410 (expired) or 404 (subscriber deleted). The page is in the subscriber's
    language whatever the address's prefix (links sent before the prefix existed have none;
    see in_language)."""

    @wraps(view)
    @database_required
    def wrapper(request, token, salt):
        texts = NewsletterSignupPage.for_active_language()
        if request.method not in ("GET", "HEAD", "POST"):
            response = wrong_method(request, texts, ["GET", "HEAD", "POST"])
        else:
            try:
                payload = read_token(token, salt)
            except ExpiredToken:
                response = problem(request, texts, texts.expired_link_text, 410)
            except InvalidToken:
                response = problem(request, texts, texts.invalid_link_text, 400)
            else:
                subscriber = Subscriber.objects.filter(pk=payload["s"]).first()
                if matches(payload, subscriber):
                    language = subscriber.language_code
                    response = in_language(language, view, request, subscriber, payload)
                else:
                    response = problem(request, texts, texts.unknown_subscriber_text, 404)
        patch_cache_control(response, private=True)
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return never_cache(wrapper)


@private_link_page
def confirm(request, texts, subscriber, payload):
    """GET shows what will be confirmed and a button; only the POST confirms, so mail
    scanners that open links never subscribe anyone."""
    if subscriber.status == Status.CONFIRMED:
        return TemplateResponse(
            request,
            "newsletter/confirm.html",
            {
                "texts": texts,
                "already_confirmed": True,
                "preferences_token": make_preferences_token(subscriber),
            },
        )
    if subscriber.status == Status.UNSUBSCRIBED:
        # They unsubscribed after this link was sent; a new sign-up sends a new link.
        return problem(request, texts, texts.expired_link_text, 410)
    slugs = [slug for slug in payload.get("i", []) if isinstance(slug, str)]
    interests = Interest.objects.sources().filter(slug__in=slugs).localized()
    if request.method == "POST":
        services.confirm(subscriber, [interest.interest for interest in interests])
        messages.success(request, texts.confirmed_message)
        return redirect("newsletter:preferences", make_preferences_token(subscriber))
    return TemplateResponse(
        request, "newsletter/confirm.html", {"texts": texts, "interests": interests}
    )


@private_link_page
def preferences(request, texts, subscriber, payload):
    """Change topics or unsubscribe. GET only shows the choices; changes need a POST.

    Unticking every topic means "no more emails": the page asks to confirm the unsubscribe
    instead of answering with an error. An unsubscribed address sees that it is unsubscribed
    and a "Subscribe again" form with no topic ticked (ticked topics would look subscribed)."""
    interests = Interest.objects.localized()  # in the subscriber's language (in_language)
    unsubscribed = subscriber.status == Status.UNSUBSCRIBED
    selected = [] if unsubscribed else [interest.slug for interest in subscriber.interests.all()]
    status = 200
    confirm_unsubscribe = False
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        interests=interests,
        texts=texts,
        selected=selected,
        topics_required=unsubscribed,
    )
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif form.unsubscribing:
            services.unsubscribe(subscriber)  # the page then says so (no message twice)
            return redirect(request.path)
        elif form.chosen_interests:
            services.save_preferences(subscriber, form.chosen_interests)
            messages.success(request, texts.saved_message)
            return redirect(request.path)
        else:
            confirm_unsubscribe = True
    status_text = {
        Status.CONFIRMED: texts.status_confirmed_text,
        Status.PENDING: texts.status_pending_text,
        Status.UNSUBSCRIBED: texts.unsubscribed_message,
    }[subscriber.status]
    return TemplateResponse(
        request,
        "newsletter/preferences.html",
        {
            "texts": texts,
            "form": form,
            "subscriber": subscriber,
            "unsubscribed": unsubscribed,
            "status_text": status_text,
            "confirm_unsubscribe": confirm_unsubscribe,
        },
        status=status,
    )


@csrf_exempt  # RFC 8058: the mail provider POSTs here without a session or token
@private_link_page
def one_click_unsubscribe(request, texts, subscriber, payload):
    """The List-Unsubscribe address of update emails. A POST (the mail provider's one-click
    button, or the button on this page) unsubscribes; a GET only shows the button, so link
    scanners never unsubscribe anyone."""
    if request.method == "POST":
        if subscriber.status != Status.UNSUBSCRIBED:
            services.unsubscribe(subscriber)
        return TemplateResponse(
            request, "newsletter/unsubscribe.html", {"texts": texts, "done": True}
        )
    return TemplateResponse(request, "newsletter/unsubscribe.html", {"texts": texts})
