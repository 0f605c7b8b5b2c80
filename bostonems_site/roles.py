"""Editor roles and the moderation workflow.

Wagtail's own migrations create Editors and Moderators and a "Moderators approval" workflow;
this makes sure they exist with what each role needs (also after a database was flushed), adding
missing permissions only, so what an administrator granted later is kept.

- Editors: create and edit pages, images and documents; submit pages for moderation; no publish;
  start translations.
- Moderators: all an editor can do, plus approve (publish), unpublish, lock and unlock, and
  edit site alerts and the site-wide text (both go live when saved).
- Newsletter managers (created by the newsletter app): subscribers and sending; no pages.
- Medical reviewers (the Office of the Medical Director): approve clinical guidance in the
  Clinical review workflow; no other page permissions. A page marked as clinical guidance
  (ReviewedPageMixin in models.py) goes through that workflow instead of Moderators approval,
  and only a medical reviewer's approval publishes it: its Publish button is not offered to
  anyone else (PagePermissions), administrators excepted.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Revision,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.models.pages import PagePermissionTester

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
MEDICAL_REVIEWERS = "Medical reviewers"
CLINICAL_WORKFLOW_NAME = "Clinical sign-off"
CLINICAL_TASK_NAME = "Clinical review"


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
    ensure_clinical_review()


def ensure_clinical_review(apps=None):
    """The Medical reviewers group and the Clinical sign-off workflow with its one Clinical
    review task for that group (idempotent; works with a migration's historical models, which
    is why it takes `apps`). The workflow is assigned to no part of the tree: pages marked as
    clinical guidance choose it themselves (ReviewedPageMixin.get_workflow)."""
    from django.apps import apps as global_apps

    apps = apps or global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    Task = apps.get_model("wagtailcore", "Task")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    reviewers, _ = Group.objects.get_or_create(name=MEDICAL_REVIEWERS)
    access_admin = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    if access_admin is not None:
        reviewers.permissions.add(access_admin)
    workflow, _ = Workflow.objects.get_or_create(
        name=CLINICAL_WORKFLOW_NAME, defaults={"active": True}
    )
    if not WorkflowTask.objects.filter(workflow=workflow).exists():
        task = GroupApprovalTask.objects.filter(name=CLINICAL_TASK_NAME).first()
        if task is None:
            content_type, _ = ContentType.objects.get_or_create(
                app_label="wagtailcore", model="groupapprovaltask"
            )
            task = GroupApprovalTask.objects.create(
                name=CLINICAL_TASK_NAME, content_type=content_type, active=True
            )
        task.groups.add(reviewers)
        WorkflowTask.objects.create(
            workflow=workflow, task=Task.objects.get(pk=task.pk), sort_order=0
        )
    return reviewers, workflow


def clinical_workflow():
    return Workflow.objects.filter(name=CLINICAL_WORKFLOW_NAME, active=True).first()


def is_medical_reviewer(user):
    return user.is_active and user.groups.filter(name=MEDICAL_REVIEWERS).exists()


class PagePermissions(PagePermissionTester):
    """What a user may do with a page, beyond Wagtail's rules.

    Deleting takes the "Bulk delete" page permission (Settings → Groups), which no role has:
    administrators delete pages. Wagtail otherwise lets anyone who may edit a page delete it
    (and its translations), so Moderators saw Delete on every page although their role is to
    publish and unpublish; a take-down is an unpublish, which keeps the page's history. The
    bulk delete is held to the same rule (bostonems_site/wagtail_hooks.py).

    Clinical guidance is published only by a medical reviewer (in practice, by approving the
    Clinical review task, whose approval publishes) or an administrator: moderators keep every
    other right on it (edit, unpublish, lock) but are not offered Publish. A page counts
    as clinical guidance when its live row or its latest draft says so, so ticking the box in
    a draft already holds the page back."""

    def can_delete(self, ignore_bulk=False):
        if (
            self.user.is_active
            and not self.user.is_superuser
            and "bulk_delete" not in self.permissions
        ):
            return False
        return super().can_delete(ignore_bulk=ignore_bulk)

    def can_publish(self):
        if not self.is_clinical():
            return super().can_publish()
        if not self.user.is_active or self.page_is_root:
            return False
        return self.user.is_superuser or is_medical_reviewer(self.user)

    def is_clinical(self):
        page = self.page
        if getattr(page, "is_clinical_guidance", False):
            return True
        if not page.has_unpublished_changes or not page.latest_revision_id:
            return False
        content = Revision.objects.filter(pk=page.latest_revision_id).values("content").first()
        return bool(content and content["content"].get("clinical_guidance"))
