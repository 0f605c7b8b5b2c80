"""Purge the full-page cache whenever content visitors can see changes.

Any page (publish, unpublish, move, delete, scheduled publishing), site or generic setting,
snippet (alerts, interests, ...), image, document, site or redirect change bumps the cache
generation: a page's content also shows up in menus, cards, listings and the sitemap, so
purging everything is the only purge that is always right, and cheap at this site's size.
Models that change on every visitor action (subscribers, sessions, renditions) don't purge.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import Locale, Page, Site
from wagtail.snippets.models import get_snippet_models

from .middleware import bump_generation

PURGING_BASES = (
    Page,
    BaseSiteSetting,
    BaseGenericSetting,
    AbstractImage,
    AbstractDocument,
    Site,
    Locale,
)
PURGING_LABELS = {"wagtailredirects.redirect"}


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
    if _changes_public_content(sender):
        bump_generation()


def connect():
    post_save.connect(_purge, dispatch_uid="pagecache-purge-save")
    post_delete.connect(_purge, dispatch_uid="pagecache-purge-delete")
