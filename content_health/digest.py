"""The owners' weekly reminder: each page owner (a person, or everyone in an owning team) gets
one email a week listing their live pages that are overdue or due soon for review and the
broken links the last link check found on their pages (content_health/link_health.py), in the
language they chose for the admin (Account → Preferred language), as plain text with an HTML
alternative. Nobody with nothing due gets an email.

Run by `manage.py send_review_digests` from cron (docs/operations.md). It can run as often as
you like: a DigestSent row per owner and week, written in the same transaction as the send,
means each owner gets that week's email once, and one that failed is tried again next run.
Links come from WAGTAILADMIN_BASE_URL, never from a request."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.users.models import UserProfile

from content_health.models import BrokenLink, DigestSent, ReviewSettings
from content_health.reviews import due_pages, owned_by, pages_with_review_state

logger = logging.getLogger(__name__)


def admin_url(path):
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


def owners():
    """Active users with an email address who own a page themselves or through a team."""
    state = pages_with_review_state().live()
    user_ids = state.values("review_owner_user_id")
    group_ids = state.values("review_owner_group_id")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(pk__in=user_ids) | Q(groups__in=group_ids))
        .distinct()
        .order_by("pk")
    )


def owner_language(user):
    return UserProfile.get_for_user(user).get_preferred_language() or settings.LANGUAGE_CODE


def build_digest(user, pages, broken_links, today):
    """The email for `user` about `pages` due (overdue first) and the broken links on their
    pages, in the user's language."""
    with translation.override(owner_language(user)):
        rows = [
            {
                "title": page.title,
                "language": page.locale.get_display_name(),
                "review_by": page.review_review_by,
                "overdue": page.review_review_by < today,
                "edit_url": admin_url(reverse("wagtailadmin_pages:edit", args=[page.pk])),
            }
            for page in pages
        ]
        context = {
            "user": user,
            "rows": rows,
            "broken_links": [
                {
                    "page_title": link.page.title,
                    "target": link.target,
                    "problem": link.problem,
                    "edit_url": admin_url(reverse("wagtailadmin_pages:edit", args=[link.page_id])),
                }
                for link in broken_links
            ],
            "broken_links_url": admin_url(reverse("content_health_admin:broken_links")),
            "overdue_count": sum(row["overdue"] for row in rows),
            "report_url": admin_url(reverse("content_health_admin:due_for_review")),
        }
        subject = _("Your pages: %(due)s due for review, %(broken)s broken links") % {
            "due": len(rows),
            "broken": len(broken_links),
        }
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("content_health/email/review_digest.txt", context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("content_health/email/review_digest.html", context), "text/html"
        )
    return message


def week_of(day):
    return day - timedelta(days=day.weekday())


def send_review_digests(today=None):
    """Send this week's reminder to every owner who has pages due and has not had it yet.
    Returns the number of emails sent."""
    today = today or timezone.localdate()
    week = week_of(today)
    due = due_pages(today, ReviewSettings.for_default_site())
    sent = 0
    for user in owners().exclude(pk__in=DigestSent.objects.filter(week=week).values("user")):
        pages = list(due.filter(owned_by(user)))
        owned = pages_with_review_state().live().filter(owned_by(user)).values("pk")
        broken_links = list(BrokenLink.objects.filter(page__in=owned).select_related("page"))
        if not pages and not broken_links:
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(user=user, week=week)
                build_digest(user, pages, broken_links, today).send()
        except IntegrityError:
            continue  # another run sent it meanwhile
        sent += 1
    return sent
