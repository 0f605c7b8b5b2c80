"""The newsletter sign-up page (under the home page), the two topics from the department's
sidebar with their Spanish translations, and the "Newsletter managers" group. Idempotent: only
creates what is missing."""

from django.db.models import Q
from wagtail.models import Locale

from bostonems_site.seed import (
    SAMPLE_TRANSLATION_NOTE,
    ensure_child,
    translate_section,
)
from newsletter.models import Interest, NewsletterSignupPage
from newsletter.permissions import ensure_managers_group

# (name, slug, kinds of News & Events pages sent to it)
INTERESTS = [
    ("News and Events", "news-and-events", ["news", "event"]),
    (
        "Career and Training Opportunities",
        "career-and-training-opportunities",
        ["career", "training"],
    ),
]
# Spanish names of the topics, by the English topic's slug.
SPANISH_INTERESTS = {
    "news-and-events": "Noticias y eventos",
    "career-and-training-opportunities": "Oportunidades de carrera y capacitación",
}


def load(home, stdout):
    ensure_managers_group()
    if not Interest.objects.sources().exists():
        for order, (name, slug, kinds) in enumerate(INTERESTS, start=1):
            Interest.objects.create(name=name, slug=slug, sort_order=order, news_kinds=kinds)
        stdout.write("Created the newsletter topics.")
    if translate_interests(Locale.objects.get_or_create(language_code="es")[0], SPANISH_INTERESTS):
        stdout.write("Created the Spanish names of the newsletter topics.")
    _, created = ensure_child(
        home,
        NewsletterSignupPage,
        "sign-up",
        title="Sign up for updates",
        search_description="Get email updates from Boston EMS about news and events, and "
        "career and training opportunities.",
    )
    if created:
        stdout.write("Created the newsletter sign-up page.")


def translate_interests(locale, names):
    """Translations (copy_for_translation: same translation_key) of the English topics named
    in `names` (slug: name) that have none in `locale` yet. Returns how many were created."""
    created = 0
    for source in Interest.objects.sources().filter(slug__in=names):
        in_locale = Interest.objects.filter(locale=locale)
        if in_locale.filter(
            Q(translation_key=source.translation_key) | Q(name=names[source.slug])
        ).exists():
            continue  # already translated (perhaps renamed by editors), or the name is taken
        translation = source.copy_for_translation(locale)
        translation.name = names[source.slug]
        translation.save()
        created += 1
    return created


# The sample Spanish sign-up page: the wording of the home page's sign-up box, the form, the
# confirmation and preferences pages and the emails of subscribers who sign up in Spanish.
SPANISH_SIGNUP_PAGE = {
    "title": "Suscríbase para recibir novedades",
    "search_description": "Reciba por correo electrónico novedades de Boston EMS sobre noticias "
    "y eventos, y sobre oportunidades de carrera y capacitación.",
    "intro": "<p>Reciba por correo electrónico novedades de Boston EMS sobre los temas que "
    "elija. Primero le enviaremos un correo para confirmar su dirección.</p>"
    f"<p><em>{SAMPLE_TRANSLATION_NOTE}</em></p>",
    "sidebar_heading": "Suscríbase para recibir novedades",
    "email_label": "Dirección de correo electrónico",
    "interests_legend": "Me interesa:",
    "consent_text": "Solo le enviaremos correos sobre los temas que elija. Guardamos su "
    "dirección de correo electrónico y sus preferencias, nada más, hasta que cancele la "
    "suscripción. Cada correo tiene un enlace para cambiar sus preferencias o cancelar la "
    "suscripción.",
    "button_label": "Suscribirse",
    "error_summary_heading": "Hay un problema",
    "error_email_required": "Escriba su dirección de correo electrónico",
    "error_email_invalid": "Escriba una dirección de correo electrónico con el formato "
    "correcto, como nombre@ejemplo.com",
    "error_email_too_long": "Escriba una dirección de correo electrónico de 254 caracteres o menos",
    "error_email_hidden_characters": "Su dirección de correo electrónico contiene un carácter "
    "oculto o ilegible, que a menudo queda al copiar y pegar. Vuelva a escribir la dirección",
    "error_interests_required": "Elija al menos un tema",
    "error_interests_invalid": "Elija temas de la lista",
    "error_form_tampered": "El formulario llegó incompleto o dos veces. Vuelva a llenarlo.",
    "thank_you_heading": "Revise su correo electrónico",
    "thank_you_text": "<p>Si la dirección que escribió puede recibir correos, un mensaje nuestro "
    "va en camino o ya está en su bandeja de entrada. Para proteger los buzones, enviamos a una "
    "misma dirección como máximo un mensaje cada 10 minutos y 3 al día, así que volver a "
    "suscribirse enseguida no envía otro: abra nuestro mensaje más reciente y siga su enlace "
    "para confirmar su suscripción o administrar sus preferencias. El enlace funciona durante "
    "7 días.</p><p>¿No ha llegado nada después de unos minutos? Revise su carpeta de correo no "
    "deseado.</p>",
    "confirm_heading": "Confirme su suscripción",
    "confirm_text": "Pulse el botón para empezar a recibir correos sobre:",
    "confirm_button_label": "Confirmar mi suscripción",
    "already_confirmed_text": "Su suscripción ya está confirmada.",
    "confirmed_message": "Gracias. Su suscripción está confirmada.",
    "preferences_heading": "Sus preferencias de correo electrónico",
    "preferences_text": "Elija los temas que le interesan y guarde.",
    "status_confirmed_text": "Está suscrito.",
    "status_pending_text": "Su suscripción aún no está confirmada. Al guardar sus preferencias "
    "la confirma.",
    "save_button_label": "Guardar mis preferencias",
    "saved_message": "Sus preferencias están guardadas.",
    "unsubscribe_heading": "Dejar de recibir correos",
    "unsubscribe_button_label": "Cancelar todos los correos",
    "unsubscribed_message": "Su suscripción está cancelada. No volveremos a escribirle a "
    "menos que se suscriba de nuevo.",
    "confirmation_subject": "Confirme su suscripción a las novedades de Boston EMS",
    "confirmation_email_text": "Gracias por suscribirse a las novedades por correo "
    "electrónico de Boston EMS. Confirme su suscripción con el enlace de abajo. Funciona "
    "durante 7 días.",
    "preferences_subject": "Administre sus novedades de Boston EMS",
    "preferences_email_text": "Alguien, probablemente usted, pidió suscribirse con esta "
    "dirección, que ya está suscrita. Use el enlace de abajo para cambiar sus temas o cancelar "
    "la suscripción.",
    "email_footer": "Si usted no pidió esto, puede ignorar este correo: no quedará suscrito y "
    "no volveremos a escribirle.",
    "problem_heading": "Lo sentimos, algo salió mal",
    "invalid_link_text": "Este enlace no funciona. Puede que esté incompleto: copie el enlace "
    "completo del correo en su navegador.",
    "expired_link_text": "Este enlace ha caducado. Vuelva a suscribirse con la misma dirección "
    "y le enviaremos uno nuevo.",
    "unknown_subscriber_text": "No encontramos esta suscripción. Puede que se haya eliminado. "
    "Puede suscribirse de nuevo.",
    "forbidden_text": "No pudimos aceptar el formulario porque su navegador no confirmó que se "
    "envió desde este sitio web. Abra la página de suscripción y vuelva a intentarlo.",
    "too_many_text": "Ha enviado el formulario varias veces en poco tiempo. Espere unos minutos "
    "y vuelva a intentarlo.",
    "wrong_method_text": "Esta dirección solo recibe el formulario de suscripción. Use la "
    "página de suscripción.",
}


def load_translations(home, stdout):
    translate_section(NewsletterSignupPage, home, SPANISH_SIGNUP_PAGE, stdout, "sign-up page")
