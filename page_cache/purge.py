"""Purge the full-page cache whenever content visitors can see changes.

Any page (publish, unpublish, move, delete, scheduled publishing, privacy), site or generic
setting, snippet (alerts, interests, ...), image, document, site or redirect change bumps the
cache generation: a page's content also shows up in menus, cards, listings and the sitemap, so
purging everything is the only purge that is always right, and cheap at this site's size.
Models that change on every visitor action (subscribers, sessions, renditions) don't purge.

Two saves don't purge, because visitors could not see them: a draft (Wagtail's save_revision and
the editor's autosave update only the editor's bookkeeping fields, DRAFT_ONLY_FIELDS) and the
default settings row created on first read.

A save inside a transaction purges once, when the transaction commits, and not at the save:
until the commit, visitors' requests can only read the old content, so a purge then would just
make every worker render the old pages again (a publish is one transaction with several saves;
during a surge each extra purge is a wave of re-renders). A request that read the generation
before the commit and rendered the old content stores it under that generation, which the
commit's purge makes stale. A save outside a transaction purges at once.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import BaseViewRestriction, Locale, Page, Site
from wagtail.snippets.models import get_snippet_models

from bostonems_site.content_generation import bump_generation

PURGING_BASES = (
    Page,
    # Making a page or collection private (or public again) changes who may see the stored copy.
    BaseViewRestriction,
    BaseSiteSetting,
    BaseGenericSetting,
    AbstractImage,
    AbstractDocument,
    Site,
    Locale,
)
PURGING_LABELS = {"wagtailredirects.redirect"}
# What Page.save_revision() and DraftStateMixin.save_revision() write: the live page unchanged.
DRAFT_ONLY_FIELDS = {
    "comments",
    "draft_title",
    "has_unpublished_changes",
    "latest_revision",
    "latest_revision_created_at",
}


def _changes_public_content(model):
    return (
        issubclass(model, PURGING_BASES)
        or model._meta.label_lower in PURGING_LABELS
        or model in get_snippet_models()
    )


def _purge(sender, **kwargs):
    if kwargs.get("raw"):  # fixtures loading
        return
    if kwargs.get("created") and issubclass(sender, (BaseSiteSetting, BaseGenericSetting)):
        # Settings rows are created with their defaults the first time a page reads them
        # (and before the admin form first shows them): nothing visible has changed yet.
        return
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= DRAFT_ONLY_FIELDS:
        return
    if _changes_public_content(sender):
        _purge_on_commit()


def _purge_on_commit():
    """Purge when the change is committed: at once in autocommit, else once per transaction
    however many purging saves it makes."""
    connection = transaction.get_connection()
    if not any(
        callback is bump_generation for _savepoints, callback, _robust in connection.run_on_commit
    ):
        transaction.on_commit(bump_generation)


def connect():
    post_save.connect(_purge, dispatch_uid="pagecache-purge-save")
    post_delete.connect(_purge, dispatch_uid="pagecache-purge-delete")
