"""The newsletter sign-up page (under the home page), the two topics from the department's
sidebar with their Spanish translations, and the "Newsletter managers" group. Idempotent: only
creates what is missing."""

from django.db.models import Q
from wagtail.models import Locale

from bostonems_site.seed import ensure_child
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
