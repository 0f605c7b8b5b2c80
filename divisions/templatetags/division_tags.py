from django import template

from bostonems_site.i18n import in_english_order, under_page_in_language
from divisions.models import DIVISION_CARD_FIELDS, DivisionIndexPage, DivisionPage

register = template.Library()


@register.inclusion_tag("divisions/includes/home_divisions.html", takes_context=True)
def home_divisions(context):
    """The home page's section of division cards, headed by a link to the divisions index:
    every division in the page's language, the English ones where not translated yet (two
    queries, whatever the number of divisions)."""
    home = context["page"]
    return {
        "division_index": under_page_in_language(
            home, DivisionIndexPage.objects.all(), children_only=True
        ).first(),
        "divisions": in_english_order(
            under_page_in_language(home, DivisionPage.objects.all())
        ).only(*DIVISION_CARD_FIELDS),
        "request": context.get("request"),
    }
