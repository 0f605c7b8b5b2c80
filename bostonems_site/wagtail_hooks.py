from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import get_language_info
from wagtail import hooks
from wagtail.admin.rich_text.converters.html_to_contentstate import InlineStyleElementHandler
from wagtail.admin.rich_text.editors.draftail.features import InlineStyleFeature
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from bostonems_site.i18n import address_in_visitors_language
from bostonems_site.models import SiteText
from bostonems_site.translation_moderation import submit_translation_for_moderation


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


@hooks.register("register_admin_urls")
def translation_moderation_urls():
    return [
        path(
            "translations/<int:page_id>/submit-for-moderation/",
            submit_translation_for_moderation,
            name="submit_translation_for_moderation",
        )
    ]


@hooks.register("before_bulk_action")
def bulk_delete_only_by_those_who_may_delete(request, action_type, objects, action_view):
    """The explorer's bulk delete checks plain pages with Wagtail's rule; each page's own type
    has the site's (bostonems_site.roles.PagePermissions: only administrators delete pages)."""
    if action_type != "delete":
        return None
    for obj in objects:
        if (
            isinstance(obj, Page)
            and not obj.specific_deferred.permissions_for_user(request.user).can_delete()
        ):
            raise PermissionDenied
    return None


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
