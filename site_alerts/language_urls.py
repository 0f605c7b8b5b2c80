from django.urls import path

from site_alerts.feeds import alerts_feed

# In every language, under its prefix (/es/alerts/feed/): the feed is written in one.
urlpatterns = [path("alerts/feed/", alerts_feed, name="alerts_feed")]
