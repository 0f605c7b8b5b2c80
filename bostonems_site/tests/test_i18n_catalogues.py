"""Interface text catalogues: every catalogue in locale/ is complete, consistent with
its compiled .mo file, and Spanish pages show the Spanish interface text, not the English."""

import gettext
import re
from collections import Counter
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.dateformat import format as date_format
from wagtail.models import Locale

from bostonems_site.views import server_error
from media_library.models import VideoGalleryPage, VideoPage
from newsletter.emails import Wording
from newsletter.models import NewsletterSignupPage
from newsletter.tests.conftest import SAME_ORIGIN, SIGNUP_URL, valid_data

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))
# Catalogues a professional translator has reviewed; the others carry DRAFT_NOTE at the top.
REVIEWED = {"es"}
DRAFT_NOTE = (
    "Draft translation of the interface text: have it reviewed by a professional translator "
    "before relying on it."
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")
TAG = re.compile(r"</?\w+")

# Interface text the templates wrap, as English visitors see it; none of it may show on the
# Spanish pages below.
ENGLISH = [
    "Skip to main content",
    "Search this site",
    "More information",
    "Latest news and events",
    "Watch video",
    "Last updated",
    ">Transcript<",
    "Related divisions",
    "Show videos",
    "Go to the ",
    "Leave this field empty",
    "Play video",
    'aria-label="Breadcrumb"',
    "Related links",
]


def language_of(path):
    return path.parent.parent.name


def entry_key(entry):
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def translations(entry):
    """The entry's msgstr, or each plural form."""
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def nplurals(po):
    return int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))


def test_every_language_has_a_catalogue():
    expected = {code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE}
    found = {translation.to_language(language_of(path)) for path in CATALOGUES}
    assert found == expected


@pytest.mark.parametrize("path", CATALOGUES, ids=language_of)
def test_catalogue_is_complete_and_keeps_placeholders(path):
    po = polib.pofile(str(path))
    assert po.metadata["Language"] == language_of(path)
    assert not po.metadata_is_fuzzy
    # The same messages as the Spanish (reviewed) catalogue: `make messages` ran for all.
    spanish = polib.pofile(str(LOCALE_DIR / "es/LC_MESSAGES/django.po"))
    assert {entry_key(e) for e in po} == {entry_key(e) for e in spanish}
    assert len(po) >= 90
    for entry in po:
        assert not entry.obsolete, entry.msgid
        assert "fuzzy" not in entry.flags, entry.msgid
        forms = translations(entry)
        if entry.msgid_plural:
            assert len(forms) == nplurals(po), entry.msgid
        source = entry.msgid_plural or entry.msgid
        for text in forms:
            assert text.strip(), f"empty translation of {entry.msgid!r}"
            assert Counter(PLACEHOLDER.findall(text)) == Counter(PLACEHOLDER.findall(source)), (
                entry.msgid,
                text,
            )
            assert sorted(TAG.findall(text)) == sorted(TAG.findall(source)), (entry.msgid, text)


@pytest.mark.parametrize("path", CATALOGUES, ids=language_of)
def test_drafts_are_marked_as_drafts(path):
    header = polib.pofile(str(path)).header
    if language_of(path) in REVIEWED:
        assert DRAFT_NOTE not in header
    else:
        assert DRAFT_NOTE in " ".join(header.split())


@pytest.mark.parametrize("path", CATALOGUES, ids=language_of)
def test_compiled_catalogue_is_up_to_date(path):
    """The committed .mo holds exactly the .po's translations (run `make compilemessages`)."""
    po = polib.pofile(str(path))
    expected = {}
    for entry in po:
        if entry.msgid_plural:
            for index, text in enumerate(translations(entry)):
                expected[(entry_key(entry), index)] = text
        else:
            expected[entry_key(entry)] = entry.msgstr
    with open(path.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    compiled.pop("", None)  # the header
    assert compiled == expected


@pytest.mark.parametrize("path", CATALOGUES, ids=language_of)
def test_date_formats_render(path):
    """A translated date format is a valid Django format: it still shows the day and year."""
    with translation.override(translation.to_language(language_of(path))):
        for context, fmt in (
            ("date format", "F j, Y"),
            ("date and time format", "l, F j, Y, g:i a"),
        ):
            text = date_format(datetime(2026, 11, 25, 14, 30), translation.pgettext(context, fmt))
            assert "2026" in text and "25" in text, (fmt, text)


def spanish_copy(page):
    """The page's published Spanish translation, created (with its parents) when missing."""
    spanish = Locale.objects.get(language_code="es")
    existing = page.get_translation_or_none(spanish)
    if existing is not None:
        return existing.specific
    copy = page.copy_for_translation(spanish, copy_parents=True)
    for ancestor in copy.get_ancestors().filter(depth__gt=1).specific():
        if not ancestor.live:
            ancestor.save_revision().publish()
    copy.save_revision().publish()
    return copy


def assert_spanish(response, *spanish):
    html = response.content.decode()
    assert '<html lang="es"' in html
    for text in ("Saltar al contenido principal", "Buscar en este sitio", *spanish):
        assert text in html, text
    shown = [text for text in ENGLISH if text in html]
    assert shown == [], f"English interface text on a Spanish page: {shown}"
    return html


@pytest.mark.django_db
def test_spanish_home_and_division_show_spanish_interface_text(client, translated_site):
    home = client.get("/es/")
    assert home.status_code == 200
    assert_spanish(
        home,
        "Línea para situaciones que no son de emergencia:",
        "Todas las divisiones",
        "Todas las noticias y eventos",
        "Últimas noticias y eventos",
        "Ver video",
        "Comuníquese con <bdi>Boston EMS</bdi>",
        'aria-label="Más de Boston EMS"',
    )
    division = client.get("/es/divisions/training/")
    assert division.status_code == 200
    html = assert_spanish(division, 'aria-label="Ruta de navegación"', "Teléfono", "Actualizado el")
    # Dates follow the Spanish format: "25 de noviembre de 2026".
    assert re.search(r'<time datetime="[^"]+">\d{1,2} de [a-z]+ de \d{4}</time>', html)


@pytest.mark.django_db
def test_spanish_video_gallery_and_videos(client, translated_site):
    spanish_copy(VideoGalleryPage.objects.get(locale__language_code="en"))
    videos = VideoPage.objects.filter(locale__language_code="en")
    uploaded = spanish_copy(videos.get(slug="schools-honored-for-life-saving-equipment"))
    hosted = spanish_copy(videos.get(slug="ribbon-cutting-for-new-ems-station"))

    gallery = client.get("/es/videos/")
    assert gallery.status_code == 200
    assert_spanish(gallery, "Mostrar videos", "Todas las divisiones", "Duración")
    filtered = client.get("/es/videos/?division=no-such-division")
    assert_spanish(filtered, "No hay videos de esa división, por lo que se muestran todos")

    assert_spanish(
        client.get(uploaded.url),
        "Su navegador no puede reproducir este video.",
        "Transcripción",
        "Divisiones relacionadas",
        "Todos los videos en",
    )
    assert_spanish(client.get(hosted.url), "Reproducir video:", "(video de YouTube)")


@pytest.mark.django_db
def test_spanish_not_found_page(client, translated_site):
    response = client.get("/es/no-such-page/")
    assert response.status_code == 404
    assert_spanish(response, "Ir a la página de inicio de Boston EMS")
    # English addresses keep the English page.
    english = client.get("/no-such-page/").content.decode()
    assert "Go to the Boston EMS home page" in english and "Skip to main content" in english


@pytest.mark.django_db
def test_spanish_signup_errors_stay_in_spanish(client, translated_site):
    english = NewsletterSignupPage.objects.get(locale__language_code="en")
    spanish = spanish_copy(english)
    spanish.error_email_invalid = "Escriba una dirección de correo electrónico válida."
    spanish.save_revision().publish()

    data = valid_data(email="not-an-address", source=spanish.url)
    response = client.post(SIGNUP_URL, data, HTTP_ORIGIN=SAME_ORIGIN)
    assert response.status_code == 400
    assert response["Content-Language"] == "es"
    assert_spanish(
        response, "Deje este campo vacío", "Escriba una dirección de correo electrónico válida."
    )


def test_server_error_page_in_the_visitors_language(rf):
    with translation.override("es"):
        response = server_error(rf.get("/es/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="es" dir="ltr">' in html
    assert "Lo sentimos, algo salió mal" in html and "Sorry, something went wrong" not in html


def test_update_email_fixed_text_in_the_subscribers_language():
    """Update emails are rendered inside translation.override(subscriber.language_code)."""
    context = {
        "subject": "Nuevas ambulancias",
        "page": {"title": "Nuevas ambulancias", "summary": "Cuatro ambulancias nuevas."},
        "page_url": "https://example.org/es/noticias/ambulancias/",
        "texts": {"preferences_heading": Wording("Sus preferencias", "es")},
        "subscriber": {"language_code": "es"},
        "interest": None,
        "preferences_url": "https://example.org/newsletter/preferences/t/",
        "unsubscribe_url": "https://example.org/newsletter/unsubscribe/t/",
    }
    with translation.override("es"):
        text = render_to_string("newsletter/email/update.txt", context)
        html = render_to_string("newsletter/email/update.html", context)
    assert "Lea más: https://example.org/es/noticias/ambulancias/" in text
    assert 'Recibe este mensaje porque se suscribió a "Novedades de Boston EMS".' in text
    assert "Cancele su suscripción con un clic: https://example.org/newsletter/unsubscribe/" in text
    assert "Lea más: Nuevas ambulancias" in html
    assert (
        '<a href="https://example.org/newsletter/unsubscribe/t/">Cancele su suscripción con un '
        "clic</a>" in html
    )
    for english in ("Read more", "You receive this", "Unsubscribe with one click"):
        assert english not in text and english not in html


# --- Every template string is in every catalogue; no English catalogue text on translated chrome

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
GETTEXT_CALLS = {"gettext": (1, 0), "ngettext": (2, 0), "pgettext": (2, 1), "npgettext": (3, 1)}


def template_messages():
    """(context, msgid) of every string the templates mark for translation, extracted the way
    `make messages` does (Django's templatize, which turns blocktranslate variables into
    %(name)s placeholders), without needing GNU gettext installed."""
    import io
    import tokenize
    from ast import literal_eval

    from django.utils.translation.template import templatize

    found = set()
    for path in sorted(TEMPLATES_DIR.rglob("*.html")) + sorted(TEMPLATES_DIR.rglob("*.txt")):
        code = templatize(path.read_text(), origin=str(path))
        # Each call sits on one line among filler letters; indentation means nothing here.
        lines = "\n".join(line.strip() for line in code.splitlines() if "gettext(" in line)
        tokens = list(tokenize.generate_tokens(io.StringIO(lines).readline))
        for index, token in enumerate(tokens):
            if token.type != tokenize.NAME or token.string not in GETTEXT_CALLS:
                continue
            strings, has_context = GETTEXT_CALLS[token.string]
            arguments = [t.string for t in tokens[index + 2 : index + 2 + 2 * strings : 2]]
            texts = [literal_eval(argument) for argument in arguments]
            context = texts[0] if has_context else None
            found.add((context, texts[has_context], path.relative_to(TEMPLATES_DIR)))
    return found


def test_template_messages_are_found():
    messages = {(context, msgid) for context, msgid, _path in template_messages()}
    assert (None, "Skip to main content") in messages
    assert ("main menu", "Main") in messages
    assert (None, "Contact %(name)s") in messages  # blocktranslate with a variable


@pytest.mark.parametrize("path", CATALOGUES, ids=language_of)
def test_every_template_string_is_translated_in_the_catalogue(path):
    """Fails when a template gained a string (or changed one) that this catalogue lacks: run
    `make messages`, translate the new entries in every catalogue, `make compilemessages`."""
    po = polib.pofile(str(path))
    translated = {
        (entry.msgctxt, entry.msgid)
        for entry in po
        if not entry.obsolete
        and "fuzzy" not in entry.flags
        and all(text.strip() for text in translations(entry))
    }
    missing = sorted(
        f"{template}: {msgid!r}" + (f" (context {context!r})" if context else "")
        for context, msgid, template in template_messages()
        if (context, msgid) not in translated
    )
    assert missing == [], f"untranslated in {path.relative_to(LOCALE_DIR)}: {missing}"


class ShownText(HTMLParser):
    """Text and labelling attributes of a page that are not marked as English (lang="en"),
    each as a whitespace-normalised string."""

    LABELS = ("aria-label", "alt", "title", "placeholder")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self):
        super().__init__()
        self.english = []  # one flag per open element
        self.texts = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        inherited = bool(self.english) and self.english[-1]
        english = attrs["lang"] == "en" if "lang" in attrs else inherited
        if not english:
            self.texts += [" ".join(attrs[name].split()) for name in self.LABELS if attrs.get(name)]
        if tag not in self.VOID:
            self.english.append(english)
            self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.english:
            self.english.pop()
            self.hidden -= tag in ("script", "style")

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self.hidden and not (self.english and self.english[-1]):
            self.texts.append(text)


def english_chrome(html):
    """Interface text from the catalogues shown in English (unmarked) on a translated page."""
    spanish = polib.pofile(str(LOCALE_DIR / "es/LC_MESSAGES/django.po"))
    patterns = {
        entry.msgid: re.compile(
            r"\s*".join(
                re.escape(part.strip()) if not PLACEHOLDER.fullmatch(part) else ".+"
                for part in re.split(f"({PLACEHOLDER.pattern})", entry.msgid)
                if part.strip()
            )
        )
        for entry in spanish
        if entry.msgstr != entry.msgid and not entry.msgctxt and len(entry.msgid) > 2
    }
    parser = ShownText()
    parser.feed(html)
    return sorted(
        {text for text in parser.texts for pattern in patterns.values() if pattern.fullmatch(text)}
    )


@pytest.mark.django_db
def test_translated_pages_show_no_english_interface_text(client, translated_site):
    from divisions.models import DivisionPage

    training = DivisionPage.objects.get(slug="training", locale__language_code="en")
    arabic_locale = Locale.objects.get(language_code="ar")
    arabic = training.copy_for_translation(arabic_locale, copy_parents=True)
    arabic.title = "قسم التدريب"
    for link in arabic.related_links.all():  # editors' wording, not interface text
        link.title = "جميع الأقسام"
        link.save()
    arabic.save_revision().publish()
    for url in (
        "/es/",
        "/es/divisions/",
        "/es/divisions/training/",
        "/es/search/?q=ems",
        "/es/no-such-page/",
        "/ar/divisions/training/",
        "/ar/search/?q=ems",
    ):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert english_chrome(response.content.decode()) == [], url
    # The check sees English chrome when there is some: the English page claiming Spanish.
    english = client.get("/divisions/").content.decode().replace('lang="en"', 'lang="es"', 1)
    assert "Skip to main content" in english_chrome(english)
