from django.urls import path

from guidance import views

# In every language, under its prefix (/es/lite/).
urlpatterns = [
    path("lite/", views.lite, name="lite"),
    path("lite/offline.json", views.offline_list, name="offline_list"),
    path("offline/", views.offline, name="offline"),
]
