from django.urls import path

from site_alerts import views

# Outside the language prefixes: a CAP message carries every language it is written in.
urlpatterns = [
    path("alerts/cap/<uuid:message_id>.xml", views.cap_message, name="cap_message"),
    path("alerts/<uuid:alert_key>/cap.xml", views.alert_latest_message, name="alert_cap"),
]
