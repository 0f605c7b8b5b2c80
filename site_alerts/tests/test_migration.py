"""Alerts moved from the core app into this one: a database that had alerts before the move
keeps them, and moderators keep the right to edit them."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Locale

from site_alerts.models import SiteAlert

BEFORE_THE_MOVE = [("bostonems_site", "0009_site_settings_without_wording"), ("site_alerts", None)]


@pytest.mark.django_db(transaction=True)
def test_alerts_and_their_permissions_survive_the_move():
    from bostonems_site.seed import ensure_locales

    ensure_locales()  # a flushed test database lost the locale Wagtail's migration created
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE_THE_MOVE)
        old = executor.loader.project_state(BEFORE_THE_MOVE[0]).apps
        OldAlert = old.get_model("bostonems_site", "SiteAlert")
        alert = OldAlert.objects.create(
            locale_id=Locale.get_default().pk,
            enabled=True,
            title="Snow emergency",
            message="Park off main roads.",
        )
        old_type = ContentType.objects.get(app_label="bostonems_site", model="sitealert")
        permission = Permission.objects.get(content_type=old_type, codename="change_sitealert")
        moderators, _ = Group.objects.get_or_create(name="Moderators")
        moderators.permissions.add(permission)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    ContentType.objects.clear_cache()

    moved = SiteAlert.objects.get()
    assert (moved.pk, moved.title, moved.enabled) == (alert.pk, "Snow emergency", True)
    assert moved.translation_key == alert.translation_key
    assert not ContentType.objects.filter(app_label="bostonems_site", model="sitealert").exists()
    assert ContentType.objects.get_for_model(SiteAlert).pk == old_type.pk
    assert moderators.permissions.filter(
        content_type__app_label="site_alerts", codename="change_sitealert"
    ).exists()
