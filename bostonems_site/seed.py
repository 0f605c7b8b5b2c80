"""Seed helpers shared by every app's seed module. Everything here is idempotent: objects are
looked up by a stable key first and only created when missing, never overwritten."""

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
    """One Wagtail locale per language in settings.WAGTAIL_CONTENT_LANGUAGES (issue 9)."""
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
            ("link", {"title": title, "page": None, "url": url})
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
