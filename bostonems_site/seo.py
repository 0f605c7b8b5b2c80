"""What search engines and link previews read: absolute URLs, the share image and the JSON-LD
structured data (schema.org). Used by the `seo_meta` template tag in every page's <head>."""

import datetime
import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from wagtail.models import Site

SHARE_IMAGE_SPEC = "fill-1200x630"
DEFAULT_SHARE_IMAGE = ("img/share-default.png", 1200, 630)
# Same escapes as Django's json_script: the JSON can never close the <script> element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
# Open Graph wants language_TERRITORY; the territory is the one link-preview services know best
# for Boston's readers of each language.
OG_LOCALES = {
    "en": "en_US",
    "es": "es_LA",
    "ht": "ht_HT",
    "zh-hans": "zh_CN",
    "vi": "vi_VN",
    "kea": "kea_CV",
    "pt": "pt_BR",
    "ru": "ru_RU",
    "ar": "ar_AR",
    "fr": "fr_FR",
    "so": "so_SO",
}
CITY_LINE = re.compile(r"^(?P<city>[^,]+),\s*(?P<region>[A-Za-z]{2})\s+(?P<zip>\d{5}(-\d{4})?)$")


def iso_datetime(value):
    """A date-time as ISO 8601 in the site's time zone, to the second: what <time datetime>
    and JSON-LD carry. (Django's `|date:'c'` and `isoformat()` print microseconds, which the
    HTML `datetime` syntax does not allow beyond three fraction digits.)"""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def site_root_url(request):
    """'https://www.example.org': the Wagtail site's address (Settings → Sites), which is the
    canonical origin whatever host name the request used."""
    site = Site.find_for_request(request) if request else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        return site.root_url
    return request.build_absolute_uri("/").rstrip("/") if request else ""


def og_locale(language_code):
    language, _, territory = language_code.partition("-")
    return OG_LOCALES.get(language_code) or f"{language}_{territory.upper() or language.upper()}"


def absolute(root_url, url):
    return url if url.startswith(("http://", "https://")) else root_url + url


def share_image(page, site_settings, root_url):
    """(url, width, height, alt) of the image link previews show for `page`: its own picture,
    else the site logo, else the default share image shipped with the site."""
    image = page.get_share_image() if page is not None else None
    alt = page.share_image_alt if image is not None else ""
    if image is None and site_settings is not None and site_settings.logo_id:
        image = site_settings.logo
        alt = gettext("%(name)s logo") % {"name": site_settings.department_name}
    if image is not None:
        rendition = image.get_rendition(SHARE_IMAGE_SPEC)
        alt = alt or image.default_alt_text or image.title
        return absolute(root_url, rendition.url), rendition.width, rendition.height, alt
    path, width, height = DEFAULT_SHARE_IMAGE
    department = site_settings.department_name if site_settings else ""
    return absolute(root_url, static(path)), width, height, department


def postal_address(text):
    """'785 Albany Street\\nBoston, MA 02118' -> a schema.org PostalAddress."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        return None
    address = {"@type": "PostalAddress", "addressCountry": "US"}
    match = CITY_LINE.match(lines[-1])
    if match and len(lines) > 1:
        address.update(
            streetAddress=", ".join(lines[:-1]),
            addressLocality=match["city"].strip(),
            addressRegion=match["region"].upper(),
            postalCode=match["zip"],
        )
    else:
        address["streetAddress"] = ", ".join(lines)
    return address


def organization(site_settings, home_url, logo_url, description=""):
    """The department, as search engines show it beside the home page; `description` is the
    home page's own (its meta description)."""
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization",
        "name": site_settings.department_name,
        "url": home_url,
        "logo": logo_url,
    }
    if description:
        data["description"] = description
    if site_settings.main_phone:
        data["telephone"] = site_settings.main_phone
    if site_settings.email:
        data["email"] = site_settings.email
    address = postal_address(site_settings.address)
    if address:
        data["address"] = address
    same_as = [block.value["url"] for block in site_settings.social_links]
    if same_as:
        data["sameAs"] = same_as
    return data


def breadcrumb_list(pages, root_url, request):
    """`pages` runs from the home page to the current page."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": page.title,
                "item": absolute(root_url, page.get_url(request) or ""),
            }
            for position, page in enumerate(pages, start=1)
        ],
    }


def json_ld(data):
    """A <script type="application/ld+json"> element, escaped like json_script."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    text = text.translate(JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
