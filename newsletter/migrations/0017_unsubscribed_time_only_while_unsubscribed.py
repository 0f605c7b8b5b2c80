from django.db import migrations


def clear_unsubscribe_times_of_those_who_came_back(apps, schema_editor):
    """Subscribers who signed up again after unsubscribing kept their old unsubscribe time, so
    the export showed them Confirmed (or Pending) and Unsubscribed at once."""
    Subscriber = apps.get_model("newsletter", "Subscriber")
    Subscriber.objects.exclude(status="unsubscribed").exclude(unsubscribed_at=None).update(
        unsubscribed_at=None
    )


class Migration(migrations.Migration):

    dependencies = [
        ('newsletter', '0016_signup_daily_email_limit_and_true_thank_you_wording'),
    ]

    operations = [
        migrations.RunPython(clear_unsubscribe_times_of_those_who_came_back, migrations.RunPython.noop),
    ]
