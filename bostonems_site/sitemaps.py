"""sitemap.xml for every language: each page's entry lists its live translations as
`<xhtml:link rel="alternate" hreflang>` (Django's sitemap template renders `alternates`), plus
`x-default` pointing at the English page, as the `<head>` of each page does."""

from collections import defaultdict

from django.conf import settings
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from bostonems_site.i18n import UNTRANSLATED_COPY
from bostonems_site.visibility import public_pages


class MultilingualSitemap(Sitemap):
    def items(self):
        # The site's root page in every language, and everything below each of them.
        roots = self.get_wagtail_site().root_page.get_translations(inclusive=True)
        paths = list(roots.values_list("path", flat=True))
        pages = Page.objects.none()
        for path in paths:
            pages |= Page.objects.filter(path__startswith=path)
        return (
            public_pages(pages)
            .exclude(UNTRANSLATED_COPY)  # wagtail-localize's English copies of parents
            .select_related("locale")
            .order_by("path")
            .defer_streamfields()
            .specific()
        )

    def _urls(self, page, protocol, domain):
        objects = list(self.paginator.page(page).object_list)
        groups = defaultdict(list)
        for obj in objects:
            groups[obj.translation_key].append(obj)
        languages = dict(settings.LANGUAGES)
        urls, last_mods = [], set()
        for obj in objects:
            versions = [
                v for v in groups[obj.translation_key] if v.locale.language_code in languages
            ]
            alternates = [
                {"lang_code": v.locale.language_code, "location": v.get_full_url(self.request)}
                for v in versions
            ]
            default = next(
                (a for a in alternates if a["lang_code"] == settings.LANGUAGE_CODE), None
            )
            if default is not None:
                alternates.append({"lang_code": "x-default", "location": default["location"]})
            for url_info in obj.get_sitemap_urls(self.request):
                if len(versions) > 1:
                    url_info["alternates"] = alternates
                urls.append(url_info)
                last_mods.add(url_info.get("lastmod"))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls
