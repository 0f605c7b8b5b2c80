from django.contrib.syndication.views import Feed
from django.utils.translation import gettext


class NewsFeed(Feed):
    """RSS 2.0 (or Atom) feed of the latest items under one news index page."""

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return f"{self.index_page.title} | Boston EMS"

    def link(self):
        return self.index_page.url

    def description(self):
        return gettext("News, events and career and training opportunities from %(name)s.") % {
            "name": "Boston EMS"
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
