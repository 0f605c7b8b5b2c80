from django import template

from bostonems_site.i18n import in_language
from news.models import NewsIndexPage

register = template.Library()


def news_index_in_language(request):
    """The site's news index in the page's language, the English one where not translated. The
    feed links in the head and the latest news share it: one query per request."""
    if request is None:
        return in_language(NewsIndexPage.objects.live()).first()
    if not hasattr(request, "_news_index"):
        request._news_index = in_language(NewsIndexPage.objects.live()).first()
    return request._news_index


@register.inclusion_tag("news/includes/feed_links.html", takes_context=True)
def news_feed_links(context):
    """<link rel="alternate"> to the RSS and Atom feeds of the news in the page's language."""
    request = context.get("request")
    return {"index": news_index_in_language(request), "request": request}


@register.inclusion_tag("news/includes/latest_news.html", takes_context=True)
def latest_news(context, count=3):
    """The newest live items of the site's news index in the page's language, English where
    not translated (two queries, whatever the volume)."""
    index = news_index_in_language(context.get("request"))
    items = list(index.items()[:count]) if index else []
    return {"index": index, "items": items, "request": context.get("request")}
