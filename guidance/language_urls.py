from django.urls import path

from guidance import views

# In every language, under its prefix (/es/lite/).
urlpatterns = [path("lite/", views.lite, name="lite")]
