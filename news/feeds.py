from django.contrib.syndication.views import Feed
from django.utils.translation import gettext

from bostonems_site.models import SiteSettings


class NewsFeed(Feed):
    """RSS 2.0 (or Atom) feed of the latest items under one news index page."""

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def department_name(self):
        """As editors name the department in the site settings."""
        return SiteSettings.for_request(self.request).department_name

    def title(self):
        return f"{self.index_page.title} | {self.department_name()}"

    def link(self):
        return self.index_page.url

    def description(self):
        return gettext("News, events and career and training opportunities from %(name)s.") % {
            "name": self.department_name()
        }

    def items(self):
        return self.index_page.items()[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return item.first_published_at

    def item_categories(self, item):
        return [item.get_kind_display()]
