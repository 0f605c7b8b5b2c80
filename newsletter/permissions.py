"""The "Newsletter managers" group: communications staff who see the Subscribers section of the
Wagtail admin (send an update, list, filter, search, export, inspect, delete) and edit the
topics. They have no page permissions: sending has its own path (newsletter/admin_views.py).
Page editors (the "Editors" and "Moderators" groups) get none of these permissions, so they do
not see it.
Subscribers cannot be added or edited in the admin by anyone: they come only through the double
opt-in (see SubscriberPermissionPolicy in wagtail_hooks.py)."""

from django.apps import apps as global_apps

MANAGERS_GROUP = "Newsletter managers"

# (app_label, codename): exactly what the group needs, nothing more. The migrations that grant
# them name these lists, so they are written once: the group started with the subscribers and
# the topics, and could later also send.
MANAGE_SUBSCRIBERS_AND_TOPICS = [
    ("wagtailadmin", "access_admin"),
    ("newsletter", "view_subscriber"),
    ("newsletter", "delete_subscriber"),
    ("newsletter", "view_interest"),
    ("newsletter", "add_interest"),
    ("newsletter", "change_interest"),
    ("newsletter", "delete_interest"),
]
SEND_UPDATES = [
    ("newsletter", "add_mailing"),  # send a published page to subscribers
    ("newsletter", "view_mailing"),
]
MANAGER_PERMISSIONS = MANAGE_SUBSCRIBERS_AND_TOPICS + SEND_UPDATES


def ensure_managers_group(apps=global_apps, permissions=MANAGER_PERMISSIONS):
    """Create the group with its permissions when missing (idempotent; works with the
    historical models of a migration and with the real ones)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=MANAGERS_GROUP)
    for app_label, codename in permissions:
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        group.permissions.add(permission)
    return group
