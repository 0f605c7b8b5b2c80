"""Seed helpers shared by every app's seed module, and the core's own seed content (the site,
the home page, the site-wide text and their sample translations). Everything here is
idempotent: objects are looked up by a stable key first and only created when missing, never
overwritten."""

import hashlib
from io import BytesIO
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site

from bostonems_site.models import HomePage, SiteSettings, SiteText

# Placeholder pictures: mid-grey lettering on light grey (5.2:1), plainly not a photograph.
PLACEHOLDER_BACKGROUND = "#e6e8eb"
PLACEHOLDER_INK = "#5a6270"

SAMPLE_NOTE = "Sample content: replace this text in the admin before publishing for real."
SAMPLE_TRANSLATION_NOTE = "Traducción de muestra: revísela antes de publicarla de verdad."

HOME_INTRO = (
    "<p>Boston Emergency Medical Services (Boston EMS) is the City of Boston's public "
    "ambulance service, a bureau of the Boston Public Health Commission. Our EMTs, Paramedics "
    "and Field Supervisors answer 9-1-1 calls across the city 24 hours a day, 365 days a year, "
    "supported by divisions that train, dispatch, equip and prepare the Department.</p>"
)

HOME_RELATED_LINKS = [
    ("City of Boston", "https://www.boston.gov/"),
    (
        "Boston Public Health Commission",
        "https://www.boston.gov/government/cabinets/boston-public-health-commission",
    ),
    (
        "Mass.gov: Office of Emergency Medical Services",
        "https://www.mass.gov/orgs/office-of-emergency-medical-services",
    ),
]


# The department's accounts, listed in the footer (set when the site settings are created).
SOCIAL_LINKS = [
    ("link", {"name": "Facebook", "url": "https://www.facebook.com/BostonEMS"}),
    ("link", {"name": "X (Twitter)", "url": "https://x.com/BostonEMS"}),
    ("link", {"name": "Instagram", "url": "https://www.instagram.com/bostonems/"}),
]


def ensure_locales():
    """One Wagtail locale per language in settings.WAGTAIL_CONTENT_LANGUAGES."""
    existing = set(Locale.objects.values_list("language_code", flat=True))
    Locale.objects.bulk_create(
        Locale(language_code=code)
        for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES
        if code not in existing
    )


def ensure_root():
    """Wagtail's migrations create the root page, root collection and default locale; tests
    that flush the database remove them, so recreate them when missing."""
    ensure_locales()
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    return root


def add_child(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def ensure_child(parent, page_class, slug, **fields):
    """Return the child page with this slug, creating and publishing it when absent."""
    existing = parent.get_children().filter(slug=slug).specific().first()
    if existing is not None:
        return existing, False
    return add_child(parent, page_class(slug=slug, **fields)), True


def ensure_section(home, page_class, slug, name, stdout, **fields):
    """The section page (Divisions, News & Events, the gallery) under the home page, created,
    published and listed in the main menu when absent; says so as `name`."""
    section, created = ensure_child(home, page_class, slug, show_in_menus=True, **fields)
    if created:
        stdout.write(f"Created the {name}.")
    return section


def ensure_home():
    root = ensure_root()
    home = HomePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE).first()
    if home is None:
        # Remove Wagtail's "Welcome" placeholder so our home page can take the "home" slug.
        root.get_children().filter(slug="home", content_type__model="page", numchild=0).delete()
        home = add_child(
            root,
            HomePage(
                title="Boston EMS",
                slug="home",
                headline="Emergency medical care for Boston, around the clock",
                intro=HOME_INTRO,
                seo_title="Boston Emergency Medical Services",
                search_description="Boston EMS provides 9-1-1 emergency medical response "
                "to the City of Boston, 24 hours a day, 365 days a year.",
            ),
        )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        # The site's address makes absolute URLs (sitemap, canonical links, link previews);
        # locally that is WAGTAILADMIN_BASE_URL, in production editors set the public domain.
        base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        site = Site.objects.create(
            hostname=base.hostname or "localhost",
            port=base.port or (443 if base.scheme == "https" else 80),
            root_page=home,
            is_default_site=True,
            site_name="Boston EMS",
        )
    elif site.root_page_id != home.id:
        site.root_page = home
        site.site_name = "Boston EMS"
        site.save()
    SiteSettings.objects.get_or_create(site=site, defaults={"social_links": SOCIAL_LINKS})
    ensure_site_text()
    return home


def ensure_site_text():
    """The English site-wide text with the seed's footer links, only when there is none."""
    locale = Locale.get_default()
    site_text = SiteText.objects.filter(locale=locale).first()
    if site_text is None:
        site_text = SiteText(locale=locale)
        site_text.related_links = [
            ("link", {"title": title, "page": None, "external_url": url})
            for title, url in HOME_RELATED_LINKS
        ]
        site_text.save()
    return site_text


def sample_image(title, alt_text, size=(1440, 600)):
    """A neutral placeholder picture that says it is one (no downloads, no stock photo), found
    again by its title so editors' replacements are kept."""
    image_model = get_image_model()
    existing = image_model.objects.filter(title=title).first()
    if existing is not None:
        return existing
    width, height = size
    picture = PILImage.new("RGB", size, PLACEHOLDER_BACKGROUND)
    draw = ImageDraw.Draw(picture)
    inset = max(4, min(size) // 24)
    draw.rectangle(
        [inset, inset, width - inset, height - inset],
        outline=PLACEHOLDER_INK,
        width=max(2, min(size) // 150),
    )
    label = ImageFont.load_default(size=max(12, min(size) // 9))
    draw.text(
        (width / 2, height / 2), "Placeholder image", fill=PLACEHOLDER_INK, font=label, anchor="mm"
    )
    buffer = BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    slug = hashlib.sha256(title.encode()).hexdigest()[:12]
    return image_model.objects.create(
        title=title,
        description=alt_text,
        file=ImageFile(buffer, name=f"sample-{slug}.png"),
    )


def translate(page, locale, fields, link_titles=None):
    """The page's translation into `locale`, created, filled in and published when missing
    (copy_for_translation: a real translation, same translation_key, that wagtail-localize can
    keep in sync). Its related links get their title from `link_titles` (English: translated)."""
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific, False
    translated = page.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translated, name, value)
    # The copied links keep their translation keys; point them at the translated pages.
    for link in translated.related_links.all() if hasattr(translated, "related_links") else ():
        link.title = (link_titles or {}).get(link.title, link.title)
        if link.link_page_id:
            link.link_page = link.link_page.get_translation_or_none(locale) or link.link_page
        link.save()
    translated.save_revision().publish()
    translated.refresh_from_db()
    return translated, True


def translate_section(page_model, home, fields, stdout, name):
    """The sample Spanish translation of a section that has one page of `page_model` in the
    home page's language (the gallery, News & Events, the sign-up page), when it is missing."""
    page = page_model.objects.filter(locale=home.locale).first()
    if page is None:
        return
    _, created = translate(page, sample_spanish_locale(), fields)
    if created:
        stdout.write(f"Created the Spanish {name} (sample translation).")


# --- Sample Spanish translations of the home page and the site-wide text -----------------

HOME = {
    "title": "Boston EMS",
    "seo_title": "Servicios Médicos de Emergencia de Boston",
    "headline": "Atención médica de emergencia para Boston, a toda hora",
    "intro": (
        "<p>Los Servicios Médicos de Emergencia de Boston (Boston EMS) son el servicio público de "
        "ambulancias de la Ciudad de Boston. Nuestros técnicos en emergencias médicas y "
        "paramédicos responden a las llamadas al 9-1-1 en toda la ciudad, las 24 horas del día, "
        "los 365 días del año.</p>"
        f"<p><em>{SAMPLE_TRANSLATION_NOTE}</em></p>"
    ),
    "search_description": "Boston EMS responde a las emergencias médicas del 9-1-1 en la "
    "Ciudad de Boston, las 24 horas del día, los 365 días del año.",
}
SITE_TEXT = {
    "emergency_text": "En una emergencia, llame al 9-1-1",
    "not_found_heading": "Página no encontrada",
    "not_found_message": "La página que busca no está aquí. Puede que se haya movido o que la "
    "dirección tenga un error. Haga una búsqueda o vuelva a la página de inicio.",
}
FOOTER_LINK_TITLES = {
    "City of Boston": "Ciudad de Boston",
    "Boston Public Health Commission": "Comisión de Salud Pública de Boston",
    "Mass.gov: Office of Emergency Medical Services": (
        "Mass.gov: Oficina de Servicios Médicos de Emergencia"
    ),
}


def translate_site_text(locale):
    """The Spanish footer and 'page not found' wording, as a real translation (same key)."""
    english = ensure_site_text()
    if english.get_translation_or_none(locale) is not None:
        return
    spanish = english.copy_for_translation(locale)
    for name, value in SITE_TEXT.items():
        setattr(spanish, name, value)
    for link in spanish.related_links:
        link.value["title"] = FOOTER_LINK_TITLES.get(link.value["title"], link.value["title"])
    spanish.save()


def sample_spanish_locale():
    return Locale.objects.get_or_create(language_code="es")[0]


def load_translations(home, stdout):
    """Sample Spanish versions of the home page and the site-wide text. Runs before the content
    apps' translations: a page can only be translated once its parent is."""
    spanish = sample_spanish_locale()
    translate_site_text(spanish)
    _, created = translate(home, spanish, HOME)
    if created:
        stdout.write("Created the Spanish home page (sample translation).")
