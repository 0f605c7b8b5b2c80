"""The newsletter's models, one module per topic: topics (Interest), subscribers, the
editable sign-up page and mailings. Import them from here (`newsletter.models`)."""

from newsletter.models.mailings import Delivery, Mailing
from newsletter.models.signup_page import NewsletterSignupPage
from newsletter.models.subscribers import EMAIL_MAX_LENGTH, Subscriber
from newsletter.models.topics import (
    Interest,
    InterestQuerySet,
    LocalizedInterest,
    NewsKindsField,
    content_language,
    default_language,
)

__all__ = [
    "EMAIL_MAX_LENGTH",
    "Delivery",
    "Interest",
    "InterestQuerySet",
    "LocalizedInterest",
    "Mailing",
    "NewsKindsField",
    "NewsletterSignupPage",
    "Subscriber",
    "content_language",
    "default_language",
]
