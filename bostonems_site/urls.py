import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from bostonems_site import views as site_views
from bostonems_site.sitemaps import MultilingualSitemap
from bostonems_site.translation_moderation import ModeratedUpdateTranslationsView

urlpatterns = [
    path("admin/password_reset/", site_views.RateLimitedPasswordResetView.as_view()),
    # wagtail-localize's "Sync translated pages", publishing only for those who may publish.
    path(
        "admin/localize/update/<int:translation_source_id>/",
        require_admin_access(ModeratedUpdateTranslationsView.as_view()),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

# Site essentials: crawler files, health check.
urlpatterns += [
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": MultilingualSitemap}}, name="sitemap"),
    path("robots.txt", site_views.robots_txt, name="robots_txt"),
    path(".well-known/security.txt", site_views.security_txt, name="security_txt"),
    path("favicon.ico", site_views.favicon, name="favicon"),
    path("healthz", site_views.healthz, name="healthz"),
    # Site alerts as CAP messages for partners' systems (in every language at once).
    path("", include("site_alerts.urls")),
    # The service worker that keeps the life-saving pages readable offline.
    path("", include("guidance.urls")),
]
handler400 = "bostonems_site.views.bad_request"
handler500 = "bostonems_site.views.server_error"

# Uploaded files: served by the site itself on one node (development, `make serve`); with
# object storage (AWS_STORAGE_BUCKET_NAME) they come from the bucket and SERVE_MEDIA is off.
if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$",
            site_views.media_file,
            name="media_file",
        )
    ]

# Pages, search and the newsletter's own pages exist in every language, under a language prefix
# (/es/, /ar/, ...); English has none. Wagtail's page serving catches everything else,
# so it comes last.
urlpatterns += i18n_patterns(
    path("search/", include("search.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("", include("site_alerts.language_urls")),
    path("", include("guidance.language_urls")),
    path("feedback/", include("content_health.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
