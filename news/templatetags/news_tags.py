from django import template

from news.models import NewsIndexPage

register = template.Library()


@register.inclusion_tag("news/includes/latest_news.html", takes_context=True)
def latest_news(context, count=3):
    """The newest live items of the site's news index (two queries, whatever the volume)."""
    index = NewsIndexPage.objects.live().first()
    items = list(index.items()[:count]) if index else []
    return {"index": index, "items": items, "request": context.get("request")}
