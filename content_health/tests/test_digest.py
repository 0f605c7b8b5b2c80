"""The owners' weekly reminder: one email per owner per week, in the owner's language, plain
text and HTML, listing their pages due for review (their own and their team's)."""

from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.utils import formats, timezone, translation
from wagtail.users.models import UserProfile

from divisions.models import DivisionPage

pytestmark = pytest.mark.django_db


def test_each_owner_gets_one_reminder_a_week_in_their_language(seeded_site, django_user_model):
    today = timezone.localdate()
    ana = django_user_model.objects.create_user("ana", "ana@example.org", first_name="Ana")
    profile = UserProfile.get_for_user(ana)
    profile.preferred_language = "es"
    profile.save()
    team = Group.objects.create(name="Field communications")
    bob = django_user_model.objects.create_user("bob", "bob@example.org")
    bob.groups.add(team)
    django_user_model.objects.create_user("carol", "carol@example.org")  # owns nothing

    overdue, soon, later = DivisionPage.objects.live().filter(locale__language_code="en")[:3]
    for page, owner, due in [
        (overdue, {"owner_user": ana}, today - relativedelta(days=3)),
        (soon, {"owner_group": team}, today + relativedelta(days=10)),
        (later, {"owner_user": ana}, today + relativedelta(months=6)),
    ]:
        for name, value in owner.items():
            setattr(page, name, value)
        page.review_by = due
        page.save(update_fields=[*owner, "review_by"])

    call_command("send_review_digests", stdout=StringIO())
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"ana@example.org", "bob@example.org"}

    spanish = by_recipient["ana@example.org"]
    html = spanish.alternatives[0][0]
    assert spanish.alternatives[0][1] == "text/html" and '<html lang="es"' in html
    assert overdue.title in spanish.body and later.title not in spanish.body
    assert f"http://127.0.0.1:8000/admin/pages/{overdue.pk}/edit/" in spanish.body
    with translation.override("es"):
        spanish_date = formats.date_format(overdue.review_by, "j \\d\\e F \\d\\e Y")
    assert spanish_date in spanish.body and spanish_date in html  # the owner's language
    assert soon.title in by_recipient["bob@example.org"].body

    call_command("send_review_digests", stdout=StringIO())
    assert len(mail.outbox) == 2  # once a week
