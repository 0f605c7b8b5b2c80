from django.shortcuts import redirect
from django.utils import translation
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from bostonems_site.i18n import page_translations
from bostonems_site.models import SiteText


class SiteTextViewSet(SnippetViewSet):
    model = SiteText
    icon = "doc-full"
    menu_label = "Site-wide text"
    add_to_settings_menu = True
    list_display = ["__str__", "emergency_text"]


register_snippet(SiteTextViewSet)


@hooks.register("before_serve_page")
def serve_pages_under_their_own_language(page, request, serve_args, serve_kwargs):
    """A page not translated into the language of the URL prefix (/kea/divisions/ while
    only English exists) is served at its own address rather than in a wrong `lang`.
    Uses the page's translations list, which the language switcher then reuses (no extra SQL)."""
    current = next((item for item in page_translations(page, request) if item["current"]), None)
    if (
        current
        and current["code"] != translation.get_language()
        and current["path"] != request.path
    ):
        return redirect(current["path"])
    return None
