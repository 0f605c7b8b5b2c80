from django import template

from bostonems_site.i18n import site_page_in_language
from news.models import NewsIndexPage

register = template.Library()


@register.inclusion_tag("news/includes/feed_links.html", takes_context=True)
def news_feed_links(context):
    """<link rel="alternate"> to the RSS and Atom feeds of the news in the page's language."""
    request = context.get("request")
    return {"index": site_page_in_language(request, NewsIndexPage), "request": request}


@register.inclusion_tag("news/includes/latest_news.html", takes_context=True)
def latest_news(context, count=3):
    """The newest live items of the site's news index in the page's language, English where
    not translated (one query, whatever the volume, once the index is kept)."""
    index = site_page_in_language(context.get("request"), NewsIndexPage)
    items = list(index.items()[:count]) if index else []
    return {"index": index, "items": items, "request": context.get("request")}
