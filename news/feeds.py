"""RSS 2.0 and Atom feeds of one news index page, one per language (each language's index has
its own). Dates are the ones the pages show, so a reader's list matches the site."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext

from bostonems_site import seo
from bostonems_site.models import SiteSettings


class NewsFeed(Feed):
    """RSS 2.0 feed of the latest items under one news index page; `NewsAtomFeed` is the same
    as Atom (RFC 4287: every entry has <updated>, the feed names its author)."""

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page
        self.language = index_page.locale.language_code

    def __call__(self, request, *args, **kwargs):
        self.request = request
        self.site_settings = SiteSettings.for_request(request)
        self.root_url = seo.site_root_url(request)
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return f"{self.index_page.title} | {self.site_settings.department_name}"

    def link(self):
        return self.index_page.get_full_url(self.request)

    def feed_url(self):
        """rel="self" on the site's canonical address, like every other link in the feed."""
        return self.root_url + self.request.path

    def description(self):
        return gettext("News, events and career and training opportunities from %(name)s.") % {
            "name": self.site_settings.department_name
        }

    def author_name(self):
        return self.site_settings.department_name

    def author_link(self):
        return self.root_url + "/"

    def items(self):
        return self.index_page.items()[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        """The publication date the page shows (a date), as the start of that day here."""
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time()))

    def item_updateddate(self, item):
        changed = item.last_published_at or item.first_published_at
        return max(changed, self.item_pubdate(item)) if changed else self.item_pubdate(item)

    def item_categories(self, item):
        return [item.get_kind_display()]


class NewsAtomFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description
