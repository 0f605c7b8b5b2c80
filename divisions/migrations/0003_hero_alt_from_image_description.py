"""Hero images used to fall back to the image library's description when the page's alt text
was blank; alt text is now required (or 'decorative' ticked), so copy that description in."""

from django.db import migrations


def forwards(apps, schema_editor):
    DivisionPage = apps.get_model("divisions", "DivisionPage")
    pages = DivisionPage.objects.filter(hero_image__isnull=False, hero_image_alt="")
    for page in pages.select_related("hero_image"):
        description = (page.hero_image.description or "").strip()
        if description:
            page.hero_image_alt = description[:250]
        else:
            page.hero_image_decorative = True
        page.save(update_fields=["hero_image_alt", "hero_image_decorative"])


class Migration(migrations.Migration):
    dependencies = [("divisions", "0002_hero_image_decorative")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
