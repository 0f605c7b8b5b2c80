"""The Divisions page and its eight divisions, with the department's own texts."""

from wagtail.rich_text import RichText

from bostonems_site.seed import (
    SAMPLE_NOTE,
    SAMPLE_TRANSLATION_NOTE,
    ensure_child,
    ensure_section,
    sample_image,
    sample_spanish_locale,
    translate,
)
from divisions.models import (
    DivisionIcon,
    DivisionIndexPage,
    DivisionPage,
    DivisionPageRelatedLink,
)

INDEX_INTRO = (
    "<p>While Boston EMS is best known by the public for its Field Operations Division, which "
    "responds to hundreds of 9-1-1 emergencies every day, the Department also includes a number "
    "of other important divisions which support our core operations and allow Boston EMS to "
    "extend its reach beyond traditional service delivery. Our Emergency Medical Technicians "
    "(EMTs), Paramedics and Field Supervisors are supported by a number of highly talented "
    "professionals whose work allows the Department to provide state-of-the-art pre-hospital "
    "care to the City of Boston. Additionally, Boston EMS is a recognized leader in the field of "
    "emergency preparedness and takes an active role in preventing and mitigating emergencies "
    "across our community. Each division reflects the diverse pre-hospital emergency medical "
    "needs of the City of Boston, and plays a unique and important role within the Department. "
    "Click on the links below to learn more about each division.</p>"
)

# (title, slug, summary) in the order the department lists them.
DIVISIONS = [
    (
        "Field Operations",
        "field-operations",
        "The Field Operations Division is responsible for delivering the 9-1-1 emergency "
        "medical response to the citizens and visitors of Boston, 24-hours a day, 365 days a year.",
    ),
    (
        "Dispatch Operations",
        "dispatch-operations",
        "Often called \u201cthe real first responders,\u201d the highly trained "
        "EMT-Telecommunicators assigned to Dispatch Operations answer 9-1-1 phone lines, provide "
        "pre-arrival instructions to callers, dispatch EMS units, and coordinate communication "
        "not only among Boston EMS units, but between pre-hospital providers and receiving "
        "hospitals throughout the metropolitan Boston area.",
    ),
    (
        "Special Operations",
        "special-operations",
        "The Special Operations Division provides planning, logistics, and consequence "
        "management for major events, both planned and unplanned throughout the City including "
        "special events, VIP protection, hazardous material and mass casualty incident support.",
    ),
    (
        "Training Division",
        "training",
        "The Training Division is responsible for the internal training and development of all "
        "Boston EMS EMTs and Paramedics. The Training Division operates a full-time accredited "
        "Training Academy and positions Boston EMS as a leader in quality EMS education.",
    ),
    (
        "Fleet Services",
        "fleet-services",
        "Fleet Services is responsible for maintaining the Department\u2019s ambulances, special "
        "operations trucks, supervisor vehicles and other Boston EMS mobile assets.",
    ),
    (
        "Office of the Medical Director",
        "office-of-the-medical-director",
        "The Office of the Medical Director is charged with providing medical leadership for the "
        "Department. Through education, training and research, the Office of the Medical "
        "Director ensures that the men and women of Boston EMS are prepared to provide "
        "outstanding pre-hospital medical care to the citizens and visitors of Boston.",
    ),
    (
        "Community Initiatives",
        "community-initiatives",
        "In an effort to better the lives and health of the citizen\u2019s of Boston, the "
        "Community Initiatives Division operates programs at the local level designed to raise "
        "awareness about emergency medical services and public health issues impacting the "
        "community.",
    ),
    (
        "Emergency Preparedness",
        "emergency-preparedness",
        "As a public safety agency and a bureau of the Boston Public Health Commission, Boston "
        "EMS has broad and far reaching responsibilities in educating, training, and "
        "coordinating with public health and public safety partners in preparation for all "
        "hazard emergencies in the greater Boston area.",
    ),
]


# The pictogram on each division's card, by slug.
ICONS = {
    "field-operations": DivisionIcon.AMBULANCE,
    "dispatch-operations": DivisionIcon.HEADSET,
    "special-operations": DivisionIcon.SHIELD,
    "training": DivisionIcon.BOOK,
    "fleet-services": DivisionIcon.WRENCH,
    "office-of-the-medical-director": DivisionIcon.STETHOSCOPE,
    "community-initiatives": DivisionIcon.PEOPLE,
    "emergency-preparedness": DivisionIcon.CLIPBOARD,
}


def sample_body(title):
    return [
        ("heading", {"text": f"About {title}", "level": "h2"}),
        (
            "paragraph",
            RichText(
                f"<p><b>{SAMPLE_NOTE}</b></p><p>This section will describe the work of "
                f"{title}, the people in it, and how residents and partners can reach it.</p>"
            ),
        ),
    ]


def load(home, stdout):
    index = ensure_section(
        home,
        DivisionIndexPage,
        "divisions",
        "Divisions page",
        stdout,
        title="Divisions",
        intro=INDEX_INTRO,
        search_description="The divisions of Boston EMS and what each one does.",
    )
    for title, slug, summary in DIVISIONS:
        _, created = ensure_child(
            index,
            DivisionPage,
            slug,
            title=title,
            summary=summary,
            icon=ICONS.get(slug, DivisionIcon.STAR_OF_LIFE),
            hero_image=sample_image(f"Sample image: {title}", f"Placeholder image for {title}"),
            hero_image_alt=f"Placeholder image for {title}",
            body=sample_body(title),
            phone="617-343-2367",
            address="785 Albany Street\nBoston, MA 02118",
            related_links=[DivisionPageRelatedLink(title="All divisions", link_page=index)],
        )
        if created:
            stdout.write(f"Created division: {title}")


# --- Sample Spanish translations: the divisions index and the eight divisions --------------

SPANISH_INDEX = {"title": "Divisiones"}
SPANISH_LINK_TITLES = {"All divisions": "Todas las divisiones"}
# slug: (title, summary)
SPANISH_DIVISIONS = {
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


def load_translations(home, stdout):
    spanish = sample_spanish_locale()
    index = home.get_children().filter(slug="divisions").first()
    if index is None:
        return
    translate(index, spanish, SPANISH_INDEX, SPANISH_LINK_TITLES)
    for division in DivisionPage.objects.child_of(index).filter(slug__in=SPANISH_DIVISIONS):
        title, summary = SPANISH_DIVISIONS[division.slug]
        fields = {"title": title, "summary": f"{summary} ({SAMPLE_TRANSLATION_NOTE})"}
        _, created = translate(division, spanish, fields, SPANISH_LINK_TITLES)
        if created:
            stdout.write(f"Created the Spanish translation of division: {division.title}")
