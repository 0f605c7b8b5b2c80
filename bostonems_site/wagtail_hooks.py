from django.shortcuts import redirect
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from bostonems_site.i18n import address_in_visitors_language
from bostonems_site.models import SiteText


class SiteTextViewSet(SnippetViewSet):
    model = SiteText
    icon = "doc-full"
    menu_label = "Site-wide text"
    add_to_settings_menu = True
    list_display = ["__str__", "emergency_text"]


register_snippet(SiteTextViewSet)


@hooks.register("before_serve_page")
def serve_pages_in_the_language_of_their_address(page, request, serve_args, serve_kwargs):
    """A page is shown only at an address of its own language: /kea/divisions/ while only
    English exists, or an untranslated alias copy, redirects (see bostonems_site.i18n)."""
    address = address_in_visitors_language(page, request)
    return redirect(address) if address else None
