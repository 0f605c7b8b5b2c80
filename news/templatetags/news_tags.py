from django import template

from bostonems_site.i18n import in_language
from news.models import NewsIndexPage

register = template.Library()


@register.inclusion_tag("news/includes/latest_news.html", takes_context=True)
def latest_news(context, count=3):
    """The newest live items of the site's news index in the page's language, English where
    not translated (two queries, whatever the volume)."""
    index = in_language(NewsIndexPage.objects.live()).first()
    items = list(index.items()[:count]) if index else []
    return {"index": index, "items": items, "request": context.get("request")}
