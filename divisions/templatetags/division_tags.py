from django import template

from divisions.models import DivisionIndexPage, DivisionPage

register = template.Library()


@register.inclusion_tag("divisions/includes/home_divisions.html", takes_context=True)
def home_divisions(context):
    """The home page's section of division cards, headed by a link to the divisions index of
    the home page's language (two queries, whatever the number of divisions)."""
    home = context["page"]
    return {
        "division_index": DivisionIndexPage.objects.child_of(home).live().first(),
        "divisions": DivisionPage.objects.descendant_of(home).live().order_by("path"),
        "request": context.get("request"),
    }
