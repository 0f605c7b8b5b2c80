import re

from django import template
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, F, Q, When
from django.utils.translation import get_language
from wagtail.models import Page, Site

from bostonems_site import seo
from bostonems_site.i18n import UNTRANSLATED_COPY, in_english_order, in_language, page_translations
from bostonems_site.models import SiteSettings
from page_cache.fragments import fragments

register = template.Library()


@register.filter
def tel_href(number):
    """'617-343-2367' -> '+16173432367'-style digits usable in a tel: link."""
    number = str(number or "")
    digits = re.sub(r"[^\d]", "", number)
    return f"+{digits}" if number.strip().startswith("+") else digits


@register.filter
def iso_datetime(value):
    """For every <time datetime="…">: ISO 8601 to the second (see seo.iso_datetime)."""
    return seo.iso_datetime(value)


def top_level_pages(request, home):
    """The live pages right under `home` in the visitor's language, the English ones where not
    translated yet (annotated for `lang_attrs`), in the English tree's order. The main menu,
    its sign-up button and the footer's pages share this one query per request."""
    cached = getattr(request, "_top_level_pages", None)
    if cached is not None and cached[0] == home.pk:
        return cached[1]
    site = Site.find_for_request(request) if request else None
    source_home = site.root_page if site else home
    pages = list(
        in_english_order(
            in_language(
                Page.objects.live()
                .filter(depth=home.depth + 1)
                .filter(Q(path__startswith=home.path) | Q(path__startswith=source_home.path))
            )
        )
    )
    if request is not None:
        request._top_level_pages = (home.pk, pages)
    return pages


def menu_button_type_id():
    """The content type of the page the main menu ends with as a button (the newsletter sign-up
    page), named in settings.MAIN_MENU_BUTTON_PAGE_TYPE so the core imports no content app.
    ContentType lookups are cached, so this costs no query after the first."""
    model = apps.get_model(settings.MAIN_MENU_BUTTON_PAGE_TYPE)
    return ContentType.objects.get_for_model(model).id


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """The pages under the home page that editors ticked 'Show in menus', in the English tree's
    order, then the newsletter sign-up page (always, as a button). On a translated page each
    item is its translation, or the English page (marked lang="en") while it has none, so no
    section is out of reach in any language. No query of its own (see top_level_pages)."""
    request = context.get("request")
    home = menu_home(context.get("page"), request)
    if home is None:
        return {"menu_items": []}
    button_type_id = menu_button_type_id()
    current_key, section_keys = current_sections(context.get("page"), request)
    items, buttons = [], []
    for page in top_level_pages(request, home):
        is_button = page.content_type_id == button_type_id
        if not (page.show_in_menus or is_button):
            continue
        if page.translation_key == current_key:
            state = "page"
        elif page.translation_key in section_keys:
            state = "true"
        else:
            state = ""
        lang = page.content_language if page.content_language != get_language() else ""
        item = {"page": page, "current": state, "lang": lang, "button": is_button}
        (buttons if is_button else items).append(item)
    return {"menu_items": items + buttons[:1], "request": request}


def current_sections(page, request):
    """The translation keys of the page shown and of its ancestors. The menu finds the current
    section by these, not by tree path: on a translated page the section is often still the
    English page (not translated yet), which lives in the English tree. The ancestors are the
    breadcrumb trail's, fetched anyway."""
    depth = getattr(page, "depth", None) or 0  # views without a page, unsaved stand-ins
    if depth < 2:
        return None, set()
    ancestors = trail_ancestors(page, request) if depth > 2 else []
    return page.translation_key, {ancestor.translation_key for ancestor in ancestors}


def menu_home(page, request):
    """The home page of the page's own language tree. Pages know it from their breadcrumb trail
    (fetched anyway); views without a page (search, errors) use the site's home page in the
    active language."""
    depth = getattr(page, "depth", None) or 0  # unsaved stand-in pages have none
    if depth == 2:
        return page
    if depth > 2:
        return trail_ancestors(page, request)[0]
    site = Site.find_for_request(request) if request else None
    if site is None or get_language() == settings.LANGUAGE_CODE:
        return site.root_page if site else None
    return site.root_page.localized


@register.simple_tag(takes_context=True)
def footer_pages(context):
    """The privacy notice and accessibility statement chosen in site settings, in the visitor's
    language where translated, else in English (marked by `lang_attrs`). No query of its own:
    the settings fetch the chosen pages, top_level_pages the versions in this language."""
    site_settings = context["settings"]["bostonems_site"]["SiteSettings"]
    chosen = [
        page
        for page in (site_settings.privacy_page, site_settings.accessibility_page)
        if page is not None and page.live
    ]
    home = menu_home(context.get("page"), context.get("request")) if chosen else None
    if home is None:
        return chosen
    shown = {page.translation_key: page for page in top_level_pages(context.get("request"), home)}
    return [shown.get(page.translation_key, page) for page in chosen]


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page):
    request = context.get("request")
    return {"ancestors": trail_ancestors(page, request), "page": page, "request": request}


def trail_ancestors(page, request):
    """The page's ancestors from the home page down, fetched once per page per request (the
    visible breadcrumbs, the BreadcrumbList JSON-LD and the menu share them), and with a
    request once per content generation for all pages under the same parent (siblings share
    them: a division's trail is every division's). Ancestors that are only untranslated
    copies of English pages are marked English (see bostonems_site.i18n)."""
    if not hasattr(page, "_trail_ancestors"):

        def fetch():
            # Depth 1 is Wagtail's invisible root; the trail starts at the home page.
            return list(
                page.get_ancestors()
                .filter(depth__gt=1)
                .annotate(
                    content_language=Case(
                        When(UNTRANSLATED_COPY, then=F("alias_of__locale__language_code")),
                        default=F("locale__language_code"),
                    )
                )
            )

        parent_path = page.path[: -page.steplen]
        page._trail_ancestors = fragments.get_or_compute(
            request, ("trail_ancestors", parent_path), fetch
        )
    return page._trail_ancestors


@register.inclusion_tag("includes/seo_meta.html", takes_context=True)
def seo_meta(context):
    """Description, canonical URL, Open Graph / Twitter card and JSON-LD for the page being
    shown; views without a page (search, errors) get the site-wide tags only."""
    from django.templatetags.static import static

    request = context.get("request")
    page = context.get("page")
    if not hasattr(page, "meta_title") or page.pk is None:
        page = None  # not a page, or an unsaved stand-in (e.g. the newsletter's default texts)
    site_settings = SiteSettings.for_request(request) if request else None
    root_url = seo.site_root_url(request)
    image_url, image_width, image_height, image_alt = seo.share_image(page, site_settings, root_url)
    data = {
        "page": page,
        "site_settings": site_settings,
        "image_url": image_url,
        "image_width": image_width,
        "image_height": image_height,
        "image_alt": image_alt,
        "json_ld": "",
    }
    if page is None:
        return data
    data["canonical_url"] = seo.absolute(root_url, page.get_url(request) or "")
    data["og_locale"] = seo.og_locale(get_language())
    data["og_locale_alternates"] = [
        seo.og_locale(translation["code"])
        for translation in page_translations(page, request)
        if not translation["current"]
    ]
    if page.depth <= 2:
        if site_settings.logo_id:
            logo_url = seo.absolute(root_url, site_settings.logo.get_rendition("max-512x512").url)
        else:
            logo_url = seo.absolute(root_url, static("img/logo.png"))
        data["json_ld"] = seo.json_ld(
            seo.organization(site_settings, data["canonical_url"], logo_url, page.meta_description)
        )
    else:
        pages = [*trail_ancestors(page, request), page]
        data["json_ld"] = seo.json_ld(seo.breadcrumb_list(pages, root_url, request))
    return data


@register.filter
def cooloff_minutes(delta):
    """A timedelta as whole minutes (rounded up), for the admin lockout page."""
    return max(1, -(-int(delta.total_seconds()) // 60))


@register.filter
def jsonld(data):
    """Render a dict as a JSON-LD <script> block, escaped so text can't close the tag."""
    return seo.json_ld(data)
