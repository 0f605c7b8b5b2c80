import re

from django import template
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import get_language
from wagtail.models import Page, Site

from bostonems_site.templatetags.i18n_tags import page_translations
from page_cache.middleware import expire_cached_page_at

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
    from bostonems_site import seo

    return seo.iso_datetime(value)


def top_level_pages(request, home):
    """(pages, English pages): the live pages right under the home page of the visitor's
    language and under the English home page, in tree order. The main menu, its sign-up link
    and the footer's pages all come from this one query per request."""
    site = Site.find_for_request(request) if request else None
    source_home = site.root_page if site else home
    cached = getattr(request, "_top_level_pages", None)
    if cached is not None and cached[0] == home.pk:
        return cached[1]
    own, source = [], []
    for page in (
        Page.objects.live()
        .filter(depth=home.depth + 1)
        .filter(Q(path__startswith=home.path) | Q(path__startswith=source_home.path))
        .order_by("path")
    ):
        (own if page.path.startswith(home.path) else source).append(page)
    if home.pk == source_home.pk:
        source = []
    if request is not None:
        request._top_level_pages = (home.pk, (own, source))
    return own, source


def in_visitors_language(own, source):
    """Each English page replaced by its translation where there is one, in the English
    order, then the pages that exist only in this language; each with the language to mark
    (lang="en" on an English page shown on a translated one)."""
    translations = {page.translation_key: page for page in own}
    fallback = [(translations.pop(page.translation_key, None), page) for page in source]
    pages = [
        (own_page or page, "" if own_page else settings.LANGUAGE_CODE)
        for own_page, page in fallback
    ]
    return pages + [(page, "") for page in own if page.translation_key in translations]


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """The pages under the home page that editors ticked 'Show in menus', in the English tree's
    order, then the newsletter sign-up page (always, as a button). On a translated page each
    item is its translation, or the English page (marked lang="en") while it has none, so no
    section is out of reach in any language. No query of its own (see top_level_pages)."""
    from newsletter.models import NewsletterSignupPage

    request = context.get("request")
    home = menu_home(context.get("page"), request)
    if home is None:
        return {"menu_items": []}
    signup_type = ContentType.objects.get_for_model(NewsletterSignupPage)  # cached
    current_path = getattr(context.get("page"), "path", "")
    items, signup = [], []
    for page, lang in in_visitors_language(*top_level_pages(request, home)):
        is_signup = page.content_type_id == signup_type.id
        if not (page.show_in_menus or is_signup):
            continue
        if current_path == page.path:
            state = "page"
        elif current_path.startswith(page.path):
            state = "true"
        else:
            state = ""
        item = {"page": page, "current": state, "lang": lang, "signup": is_signup}
        (signup if is_signup else items).append(item)
    return {"menu_items": items + signup[:1], "request": request}


def menu_home(page, request):
    """The home page of the page's own language tree. Pages know it from their breadcrumb trail
    (fetched anyway); views without a page (search, errors) use the site's home page in the
    active language."""
    depth = getattr(page, "depth", None) or 0  # unsaved stand-in pages have none
    if depth == 2:
        return page
    if depth > 2:
        return trail_ancestors(page)[0]
    site = Site.find_for_request(request) if request else None
    if site is None or get_language() == settings.LANGUAGE_CODE:
        return site.root_page if site else None
    return site.root_page.localized


@register.simple_tag(takes_context=True)
def footer_pages(context):
    """The privacy notice and accessibility statement chosen in site settings ({"page", "lang"}
    each), in the visitor's language where translated, else in English (marked lang="en"). No
    query of its own: the settings fetch the English pages, top_level_pages the translations."""
    site_settings = context["settings"]["bostonems_site"]["SiteSettings"]
    chosen = [
        page
        for page in (site_settings.privacy_page, site_settings.accessibility_page)
        if page is not None and page.live
    ]
    request = context.get("request")
    home = menu_home(context.get("page"), request) if chosen else None
    if home is None or home.locale_id == chosen[0].locale_id:
        return [{"page": page, "lang": ""} for page in chosen]
    own, _source = top_level_pages(request, home)
    translations = {page.translation_key: page for page in own}
    return [
        {"page": translations[page.translation_key], "lang": ""}
        if page.translation_key in translations
        else {"page": page, "lang": settings.LANGUAGE_CODE}
        for page in chosen
    ]


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page):
    return {"ancestors": trail_ancestors(page), "page": page, "request": context.get("request")}


def trail_ancestors(page):
    """The page's ancestors from the home page down, fetched once per page per request (the
    visible breadcrumbs and the BreadcrumbList JSON-LD share them)."""
    if not hasattr(page, "_trail_ancestors"):
        # Depth 1 is Wagtail's invisible root; the trail starts at the home page.
        page._trail_ancestors = list(page.get_ancestors().filter(depth__gt=1))
    return page._trail_ancestors


@register.inclusion_tag("includes/seo_meta.html", takes_context=True)
def seo_meta(context):
    """Description, canonical URL, Open Graph / Twitter card and JSON-LD for the page being
    shown; views without a page (search, errors) get the site-wide tags only."""
    from django.templatetags.static import static

    from bostonems_site import seo
    from bostonems_site.models import SiteSettings

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
            seo.organization(site_settings, data["canonical_url"], logo_url)
        )
    else:
        pages = [*trail_ancestors(page), page]
        data["json_ld"] = seo.json_ld(seo.breadcrumb_list(pages, root_url, request))
    return data


@register.inclusion_tag("includes/site_alert.html", takes_context=True)
def site_alert(context):
    """The editors' site alerts in the page's language, only while switched on and between
    their start and end times."""
    from bostonems_site.models import alerts_to_show

    request = context.get("request")
    if request is None:
        return {}
    language = get_language()
    alerts, next_change = alerts_to_show(language)
    expire_cached_page_at(request, next_change)
    return {"alerts": alerts, "LANGUAGE_CODE": language}


@register.filter
def cooloff_minutes(delta):
    """A timedelta as whole minutes (rounded up), for the admin lockout page."""
    return max(1, -(-int(delta.total_seconds()) // 60))


@register.filter
def jsonld(data):
    """Render a dict as a JSON-LD <script> block, escaped so text can't close the tag."""
    from bostonems_site import seo

    return seo.json_ld(data)
