from django.urls import path

from newsletter import views
from newsletter.tokens import CONFIRM_SALT, PREFERENCES_SALT, UNSUBSCRIBE_SALT

app_name = "newsletter"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("check-your-email/", views.check_email, name="check_email"),
    path("confirm/<str:token>/", views.confirm, {"salt": CONFIRM_SALT}, name="confirm"),
    path(
        "unsubscribe/<str:token>/",
        views.one_click_unsubscribe,
        {"salt": UNSUBSCRIBE_SALT},
        name="unsubscribe",
    ),
    path(
        "preferences/<str:token>/",
        views.preferences,
        {"salt": PREFERENCES_SALT},
        name="preferences",
    ),
]
