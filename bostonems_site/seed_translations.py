"""Sample Spanish translations (issue 9): the home page, the divisions index and the eight
divisions, created with Wagtail's copy_for_translation so they are real translations (same
translation_key) that wagtail-localize can keep in sync. Idempotent: a page that already exists
in Spanish is left as editors changed it."""

from wagtail.models import Locale

from bostonems_site.seed import ensure_site_text
from divisions.models import DivisionPage

SAMPLE_TRANSLATION_NOTE = "Traducción de muestra: revísela antes de publicarla de verdad."

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
INDEX = {"title": "Divisiones"}
LINK_TITLES = {"All divisions": "Todas las divisiones"}
# slug: (title, summary)
DIVISIONS = {
    "field-operations": (
        "Operaciones de Campo",
        "La División de Operaciones de Campo presta la respuesta médica de emergencia del 9-1-1 "
        "a los residentes y visitantes de Boston, las 24 horas del día, los 365 días del año.",
    ),
    "dispatch-operations": (
        "Operaciones de Despacho",
        "Los técnicos-telecomunicadores de Despacho contestan las líneas del 9-1-1, dan "
        "instrucciones a quienes llaman antes de que llegue la ambulancia y coordinan las "
        "unidades de Boston EMS con los hospitales del área.",
    ),
    "special-operations": (
        "Operaciones Especiales",
        "La División de Operaciones Especiales planifica y apoya los grandes eventos de la "
        "ciudad, la protección de personalidades, los materiales peligrosos y los incidentes "
        "con múltiples víctimas.",
    ),
    "training": (
        "División de Capacitación",
        "La División de Capacitación forma a todos los técnicos en emergencias médicas y "
        "paramédicos de Boston EMS en su academia acreditada de tiempo completo.",
    ),
    "fleet-services": (
        "Servicios de Flota",
        "Servicios de Flota mantiene las ambulancias, los camiones de operaciones especiales y "
        "los demás vehículos de Boston EMS.",
    ),
    "office-of-the-medical-director": (
        "Oficina del Director Médico",
        "La Oficina del Director Médico dirige la atención médica del Departamento mediante la "
        "educación, la capacitación y la investigación.",
    ),
    "community-initiatives": (
        "Iniciativas Comunitarias",
        "Iniciativas Comunitarias lleva la educación en salud y seguridad a los vecindarios de "
        "Boston para mejorar la vida y la salud de sus residentes.",
    ),
    "emergency-preparedness": (
        "Preparación para Emergencias",
        "Preparación para Emergencias prepara al Departamento y a la ciudad para responder a "
        "desastres y a incidentes a gran escala.",
    ),
}


def translate(page, locale, fields):
    """The page's translation into `locale`, created, filled in and published when missing."""
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific, False
    translated = page.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translated, name, value)
    # The copied links keep their translation keys; point them at the translated pages.
    for link in translated.related_links.all() if hasattr(translated, "related_links") else ():
        link.title = LINK_TITLES.get(link.title, link.title)
        if link.link_page_id:
            link.link_page = link.link_page.get_translation_or_none(locale) or link.link_page
        link.save()
    translated.save_revision().publish()
    translated.refresh_from_db()
    return translated, True


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


def load(home, stdout):
    spanish, _ = Locale.objects.get_or_create(language_code="es")
    translate_site_text(spanish)
    _, created = translate(home, spanish, HOME)
    if created:
        stdout.write("Created the Spanish home page (sample translation).")
    index = home.get_children().filter(slug="divisions").first()
    if index is None:
        return
    translate(index, spanish, INDEX)
    for division in DivisionPage.objects.child_of(index).filter(slug__in=DIVISIONS):
        title, summary = DIVISIONS[division.slug]
        fields = {"title": title, "summary": f"{summary} ({SAMPLE_TRANSLATION_NOTE})"}
        _, created = translate(division, spanish, fields)
        if created:
            stdout.write(f"Created the Spanish translation of division: {division.title}")
