from django.urls import path

from content_health import feedback

app_name = "content_health"

urlpatterns = [
    path("", feedback.answer, name="feedback"),
    path("details/", feedback.details, name="feedback_details"),
]
