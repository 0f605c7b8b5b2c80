"""Submitting a page's translation for moderation from wagtail-localize's translation editor.

A new translation starts as a draft (WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False).
The translation editor (wagtail-localize 1.14) offers *Publish in <language>* only to those
who may publish, and nothing else that saves the translated text as a page revision, so an
Editor could translate but never hand the translation to a moderator. This adds *Submit for
moderation* there (templates/wagtail_localize/admin/edit_translation.html): it saves the
translated segments as a new draft revision of the page and starts the page's workflow, as
*Submit to Moderators approval* does in the page editor. A moderator then approves it in the
dashboard ("Awaiting your review"), which publishes it.

*Sync translated pages* publishes only for those who may publish (ModeratedUpdateTranslationsView).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST
from wagtail.models import Page
from wagtail_localize.models import Translation
from wagtail_localize.views.update_translations import UpdateTranslationsView


def synced_translation(page):
    """The wagtail-localize translation `page` is the target of, or None."""
    return Translation.objects.filter(
        source__object_id=page.translation_key, target_locale_id=page.locale_id, enabled=True
    ).first()


@require_POST
def submit_translation_for_moderation(request, page_id):
    page = get_object_or_404(Page, pk=page_id).specific
    permissions = page.permissions_for_user(request.user)
    if not permissions.can_edit() or permissions.page_locked():
        raise PermissionDenied
    translation = synced_translation(page)
    workflow = page.get_workflow()
    if translation is None or workflow is None:
        messages.error(request, "This page has no translation or no moderation to submit to.")
        return redirect("wagtailadmin_pages:edit", page.pk)
    language = translation.target_locale.get_display_name()
    try:
        translation.save_target(user=request.user, publish=False)
    except ValidationError:
        messages.error(
            request,
            f"The translation into {language} cannot be saved: a translated field is not valid. "
            "Correct the segments marked in red, then submit again.",
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    page.refresh_from_db()
    state = page.current_workflow_state
    if state is None:
        workflow.start(page, request.user)
        messages.success(
            request,
            f"'{page.get_admin_display_title()}' in {language} was submitted for moderation. "
            "It stays a draft until a moderator approves it.",
        )
    else:
        # Approval publishes the latest revision, which now holds this translation.
        messages.success(
            request,
            f"'{page.get_admin_display_title()}' in {language} is awaiting approval; the "
            "moderators will see your latest translation.",
        )
    return redirect("wagtailadmin_pages:edit", page.pk)


class ModeratedUpdateTranslationsView(UpdateTranslationsView):
    """wagtail-localize's *Sync translated pages*, whose *Publish immediately* publishes every
    translation of the page for anyone who may start translations (Editors too). Here it is
    offered, and accepted, only when the user may publish each translated page; otherwise the
    sync updates the translations' drafts (submitted for moderation from each translation).
    Served at wagtail-localize's own address (bostonems_site/urls.py)."""

    def may_publish_translations(self):
        user = self.request.user
        if user.is_superuser:
            return True
        for translation in self.object.translations.filter(enabled=True):
            try:
                target = translation.get_target_instance()
            except ObjectDoesNotExist:
                continue
            if isinstance(target, Page) and not target.permissions_for_user(user).can_publish():
                return False
        return True

    def get_form(self):
        form = super().get_form()
        if not self.may_publish_translations():
            # Not offered (hidden), and what is posted for it is ignored (disabled): False.
            field = form.fields["publish_translations"]
            field.widget = forms.HiddenInput()
            field.disabled = True
        return form
