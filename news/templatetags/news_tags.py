from django import template

register = template.Library()


@register.inclusion_tag("news/includes/latest_news.html", takes_context=True)
def latest_news(context, index, count=3):
    """The newest live items of `index` (the news index in the page's language; one query,
    whatever the volume)."""
    items = list(index.items()[:count]) if index else []
    return {"index": index, "items": items, "request": context.get("request")}
