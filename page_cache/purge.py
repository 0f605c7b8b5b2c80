"""Purge the full-page cache whenever content visitors can see changes.

Any page (publish, unpublish, move, delete, scheduled publishing, privacy), site or generic
setting, snippet (alerts, interests, ...), image, document, site or redirect change bumps the
cache generation: a page's content also shows up in menus, cards, listings and the sitemap, so
purging everything is the only purge that is always right, and cheap at this site's size.
Models that change on every visitor action (subscribers, sessions, renditions) don't purge.

Two saves don't purge, because visitors could not see them: a draft (Wagtail's save_revision and
the editor's autosave update only the editor's bookkeeping fields, DRAFT_ONLY_FIELDS) and the
default settings row created on first read.

A purge makes every stored page stale. It also says whether the change was confined to pages
of some page models (an editor publishing news items), which the pieces of chrome kept between
renders use to stay when they show none of those (page_cache/fragments.py); deletes, moves,
URL changes and anything but pages affect everything.

A save inside a transaction purges once, when the transaction commits, and not at the save:
until the commit, visitors' requests can only read the old content, so a purge then would just
make every worker render the old pages again (a publish is one transaction with several saves;
during a surge each extra purge is a wave of re-renders). A request that read the generation
before the commit and rendered the old content stores it under that generation, which the
commit's purge makes stale. A save outside a transaction purges at once.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import BaseViewRestriction, Locale, Page, Site
from wagtail.signals import post_page_move
from wagtail.snippets.models import get_snippet_models

from page_cache.content_generation import bump_generation

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


def _purge(sender, instance=None, **kwargs):
    if kwargs.get("raw"):  # fixtures loading
        return
    if kwargs.get("created") and issubclass(sender, (BaseSiteSetting, BaseGenericSetting)):
        # Settings rows are created with their defaults the first time a page reads them
        # (and before the admin form first shows them): nothing visible has changed yet.
        return
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= DRAFT_ONLY_FIELDS:
        return
    if not _changes_public_content(sender):
        return
    saved_page = issubclass(sender, Page) and "created" in kwargs  # post_save, not a delete
    if saved_page and getattr(instance, "_url_path_before", None) in (None, instance.url_path):
        _purge_on_commit(_page_models(instance))
    else:
        _purge_on_commit(None)


def _remember_url_path(sender, instance, update_fields=None, raw=False, **kwargs):
    """A page saved with a new slug or parent changes its descendants' URLs too, in rows
    Wagtail updates without saving them one by one: noted here, so that the purge affects
    everything."""
    if raw or not issubclass(sender, Page):
        return
    instance._url_path_before = None
    if instance.pk is None:
        return
    if update_fields is not None and not {"slug", "url_path"} & set(update_fields):
        return
    instance._url_path_before = (
        Page.objects.filter(pk=instance.pk).values_list("url_path", flat=True).first()
    )


def _page_models(page):
    """The labels of the page models a saved page is a row of (its own and those it extends),
    which kept fragments showing them depend on; None (everything) when it is a plain Page (the
    tree's root) or of a type no longer known."""
    specific_class = page.specific_class
    if specific_class is None:
        return None
    labels = {
        model._meta.label
        for model in specific_class.__mro__
        if isinstance(model, type)
        and issubclass(model, Page)
        and model is not Page
        and not model._meta.abstract
    }
    return labels or None


def _purge_everything(sender, **kwargs):
    """A page moved: its descendants' addresses and places changed with it."""
    _purge_on_commit(None)


class PendingPurge:
    """The purge a transaction makes when it commits: the page models it changed, or
    everything (None) as soon as one of its changes was not a page saved."""

    def __init__(self):
        self.page_models = set()

    def add(self, page_models):
        if self.page_models is not None:
            self.page_models = None if page_models is None else self.page_models | page_models

    def __call__(self):
        bump_generation(self.page_models)


def _purge_on_commit(page_models):
    """Purge when the change is committed: at once in autocommit, else once per transaction
    however many purging saves it makes. `page_models`: see page_cache/fragments.py."""
    connection = transaction.get_connection()
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, PendingPurge):
            callback.add(page_models)
            return
    pending = PendingPurge()
    pending.add(page_models)
    transaction.on_commit(pending)


def connect():
    post_save.connect(_purge, dispatch_uid="pagecache-purge-save")
    post_delete.connect(_purge, dispatch_uid="pagecache-purge-delete")
    pre_save.connect(_remember_url_path, dispatch_uid="pagecache-purge-url-path")
    post_page_move.connect(_purge_everything, dispatch_uid="pagecache-purge-move")
