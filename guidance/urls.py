from django.urls import path

from guidance import views

# At the root: a service worker's scope is the folder it is served from.
urlpatterns = [path("sw.js", views.service_worker, name="service_worker")]
