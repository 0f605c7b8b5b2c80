from wagtail.models import Locale

from site_alerts.models import SiteAlert


def show_site_alert(**fields):
    """Create or change the (English) site alert, switched on unless `fields` say otherwise,
    as an editor saving it in the admin would."""
    locale = Locale.get_default()
    alert = SiteAlert.objects.filter(locale=locale).first() or SiteAlert(locale=locale)
    values = {"enabled": True, "title": "Snow emergency", "message": "Expect delays.", **fields}
    for name, value in values.items():
        setattr(alert, name, value)
    alert.full_clean()
    alert.save()
    return alert
