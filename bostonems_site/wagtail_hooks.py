from django.conf import settings
from django.shortcuts import redirect
from django.utils.translation import get_language_info
from wagtail import hooks
from wagtail.admin.rich_text.converters.html_to_contentstate import InlineStyleElementHandler
from wagtail.admin.rich_text.editors.draftail.features import InlineStyleFeature
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


@hooks.register("register_rich_text_features")
def register_passage_language_features(features):
    """`lang-<code>` rich-text features: the editor marks a passage as being in another language
    than the page (an English sentence not yet translated in a Spanish page), stored and shown
    as `<span lang="en" dir="ltr">`, so screen readers pronounce it in its language and the
    right-to-left layout keeps its punctuation in place. An inline style per language rather
    than an entity: a toolbar button, no prompt and no admin JavaScript of our own."""
    for code, name in settings.WAGTAIL_CONTENT_LANGUAGES:
        feature, style = f"lang-{code}", f"LANGUAGE_{code.upper()}"
        direction = "rtl" if get_language_info(code)["bidi"] else "ltr"
        control = {
            "type": style,
            "label": code.upper(),
            "description": f"Passage in {name} (language of this passage)",
            "style": {"textDecoration": "underline dotted"},
        }
        features.register_editor_plugin("draftail", feature, InlineStyleFeature(control))
        features.register_converter_rule(
            "contentstate",
            feature,
            {
                "from_database_format": {f'span[lang="{code}"]': InlineStyleElementHandler(style)},
                "to_database_format": {
                    "style_map": {
                        style: {"element": "span", "props": {"lang": code, "dir": direction}}
                    }
                },
            },
        )
