"""Editor roles and the moderation workflow.

Wagtail's own migrations create Editors and Moderators and a "Moderators approval" workflow;
this makes sure they exist with what each role needs (also after a database was flushed), adding
missing permissions only, so what an administrator granted later is kept.

- Editors: create and edit pages, images and documents; submit pages for moderation; no publish;
  start translations.
- Moderators: all an editor can do, plus approve (publish), unpublish, lock and unlock, and
  edit site alerts and the site-wide text (both go live when saved).
- Newsletter managers (created by the newsletter app): subscribers and sending; no pages.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
MODERATOR_PAGE_PERMISSIONS = EDITOR_PAGE_PERMISSIONS + ["publish_page", "lock_page", "unlock_page"]
MEDIA_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
# Alerts and site-wide text go live when saved (no moderation), so only moderators edit them;
# both roles may start translations (a translated page still goes through moderation).
MODERATOR_PERMISSIONS = [
    ("site_alerts", "add_sitealert"),
    ("site_alerts", "change_sitealert"),
    ("site_alerts", "delete_sitealert"),
    ("bostonems_site", "add_sitetext"),
    ("bostonems_site", "change_sitetext"),
]
WORKFLOW_NAME = "Moderators approval"


def _permission(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _translator_permission():
    """wagtail-localize creates it in a migration, so it is gone after a database flush."""
    content_type, _ = ContentType.objects.get_or_create(
        app_label="wagtail_localize", model="translation"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="submit_translation",
        defaults={"name": "Can submit translations"},
    )
    return permission


def _ensure_group(name, page_permissions, root_page, root_collection):
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.add(_permission("wagtailadmin", "access_admin"))
    group.permissions.add(_translator_permission())
    for codename in page_permissions:
        GroupPagePermission.objects.get_or_create(
            group=group, page=root_page, permission=_permission("wagtailcore", codename)
        )
    for app_label, codename in MEDIA_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group,
            collection=root_collection,
            permission=_permission(app_label, codename),
        )
    return group


def ensure_roles():
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    _ensure_group("Editors", EDITOR_PAGE_PERMISSIONS, root_page, root_collection)
    moderators = _ensure_group("Moderators", MODERATOR_PAGE_PERMISSIONS, root_page, root_collection)
    for app_label, codename in MODERATOR_PERMISSIONS:
        moderators.permissions.add(_permission(app_label, codename))

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    if not workflow.workflow_tasks.exists():
        task = GroupApprovalTask.objects.create(name="Moderators approval")
        task.groups.add(moderators)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    if not WorkflowPage.objects.filter(page=root_page).exists():
        WorkflowPage.objects.create(workflow=workflow, page=root_page)
