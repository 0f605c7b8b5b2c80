from django import template

from newsletter.forms import SignupForm
from newsletter.models import Interest, NewsletterSignupPage

register = template.Library()


@register.inclusion_tag("newsletter/includes/signup_box.html", takes_context=True)
def newsletter_signup_box(context):
    """The sign-up box for a sidebar: the topics (named in the page's language) and the
    editors' wording, in two queries whatever the number of topics. No CSRF token and no
    cookie (see views.py), so the page around it stays cacheable."""
    texts = NewsletterSignupPage.for_active_language()
    interests = Interest.objects.localized()  # in the language of the page (its URL)
    form = SignupForm(interests=interests, texts=texts, id_prefix="sidebar-newsletter-")
    request = context.get("request")
    source = request.path if request else "/"  # the page the box is on, like the sign-up page
    return {"texts": texts, "form": form, "source": source, "show": bool(interests)}
