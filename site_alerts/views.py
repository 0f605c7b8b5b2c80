"""Alerts for partners' systems: each CAP message at its own address, and each alert's latest
message at the alert's address. Messages are stored as issued (site_alerts/cap.py): serving
one reads one row."""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from site_alerts.cap import CAP_CONTENT_TYPE
from site_alerts.models import IssuedMessage


def _cap_response(message):
    return HttpResponse(message.xml, content_type=f"{CAP_CONTENT_TYPE}; charset=utf-8")


@require_GET
def cap_message(request, message_id):
    """One message, exactly as issued; it never changes."""
    message = IssuedMessage.objects.filter(uuid=message_id).first()
    if message is None:
        raise Http404
    return _cap_response(message)


@require_GET
def alert_latest_message(request, alert_key):
    """The latest message about one alert (its Alert, last Update or its Cancel)."""
    message = IssuedMessage.objects.filter(alert_key=alert_key).first()
    if message is None:
        raise Http404
    return _cap_response(message)
