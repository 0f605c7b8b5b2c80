"""The seed's "Related Links" box belongs to the whole site: move links that were kept on the
home page into Settings -> Site settings -> Related links (unless editors already filled
those), so they show in every page footer and not twice on the home page."""

import json

from django.db import migrations


def forwards(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    SiteSettings = apps.get_model("bostonems_site", "SiteSettings")
    HomePageRelatedLink = apps.get_model("bostonems_site", "HomePageRelatedLink")

    for site in Site.objects.all():
        links = HomePageRelatedLink.objects.filter(page_id=site.root_page_id).order_by(
            "sort_order"
        )
        if not links.exists():
            continue
        site_settings, _ = SiteSettings.objects.get_or_create(site=site)
        if len(site_settings.related_links):
            continue
        site_settings.related_links = json.dumps(
            [
                {
                    "type": "link",
                    "value": {
                        "title": link.title,
                        "page": link.link_page_id,
                        "url": link.link_url,
                    },
                }
                for link in links
            ]
        )
        site_settings.save()
        links.delete()


class Migration(migrations.Migration):
    dependencies = [("bostonems_site", "0002_site_essentials")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
