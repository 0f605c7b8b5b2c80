from django import template

from newsletter.forms import SignupForm
from newsletter.models import Interest, NewsletterSignupPage

register = template.Library()


def _box_contents(context):
    """The box's wording and topics (named in the page's language), two queries whatever the
    number of topics, made once per request: the box and the link to it share them."""
    request = context.get("request")
    contents = getattr(request, "_newsletter_box_contents", None)
    if contents is None:
        texts = NewsletterSignupPage.for_active_language()
        interests = list(Interest.objects.localized())  # in the language of the page (its URL)
        contents = texts, interests
        if request is not None:
            request._newsletter_box_contents = contents
    return contents


@register.inclusion_tag("newsletter/includes/signup_box.html", takes_context=True)
def newsletter_signup_box(context):
    """The sign-up box for a sidebar: the topics and the editors' wording. No CSRF token and
    no cookie (see views.py), so the page around it stays cacheable."""
    texts, interests = _box_contents(context)
    form = SignupForm(interests=interests, texts=texts, id_prefix="sidebar-newsletter-")
    request = context.get("request")
    source = request.path if request else "/"  # the page the box is on, like the sign-up page
    return {"texts": texts, "form": form, "source": source, "show": bool(interests)}


@register.inclusion_tag("newsletter/includes/signup_box_link.html", takes_context=True)
def newsletter_signup_box_link(context):
    """A link to the sign-up box further down the same page, named as the box is: on a phone
    the box is thousands of pixels below the first screen. Only where the box shows."""
    texts, interests = _box_contents(context)
    return {"texts": texts, "show": bool(interests)}
