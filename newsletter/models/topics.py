"""The topics visitors choose ("News and Events"): editable, translatable data."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.text import capfirst, slugify
from django.utils.translation import get_language
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Orderable, TranslatableMixin
from wagtail_localize.fields import SynchronizedField


def default_language():
    """The content language of the default (source) locale: English."""
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


def content_language(language_code=None):
    """The content language for `language_code` (the active language when None), or the
    default one when it is not a content language."""
    try:
        return get_supported_content_language_variant(language_code or get_language())
    except LookupError:
        return default_language()


@dataclass(frozen=True)
class LocalizedInterest:
    """A topic as a visitor or subscriber sees it: the default-locale row (the topic's
    identity, what subscribers and mailings point at) with the name in their language, or in
    English until translated: `content_language` says which (for `lang_attrs`)."""

    interest: "Interest"
    name: str
    content_language: str

    @property
    def pk(self):
        return self.interest.pk

    @property
    def slug(self):
        return self.interest.slug

    def __str__(self):
        return self.name


class InterestQuerySet(models.QuerySet):
    def sources(self):
        """The topics themselves: the rows of the default locale (English). Subscribers'
        topics, sending, the admin filters and counts use these only; translations only
        provide names."""
        return self.filter(locale__language_code=default_language())

    def localized(self, language_code=None):
        """The topics of this queryset (default-locale rows, in the editors' order), each
        named in `language_code` (the active language when None), in English when a topic
        is not translated into it. One query whatever the number of topics."""
        sources = self.sources()
        language = content_language(language_code)
        base = Interest.objects.annotate(language=F("locale__language_code"))
        if language == default_language():
            rows = base.filter(pk__in=sources.values("pk"))
        else:
            rows = base.filter(
                Q(pk__in=sources.values("pk"))
                | Q(
                    locale__language_code=language,
                    translation_key__in=sources.values("translation_key"),
                )
            )
        # Topics without a place (added outside the admin) come last on every database.
        rows = list(rows.order_by(F("sort_order").asc(nulls_last=True), "pk"))
        names = {row.translation_key: row.name for row in rows if row.language == language}
        return [
            LocalizedInterest(
                row,
                names.get(row.translation_key, row.name),
                language if row.translation_key in names else row.language,
            )
            for row in rows
            if row.language == default_language()
        ]


class NewsKindsField(models.JSONField):
    """The kinds of News & Events pages (news, event, career, training) a topic receives, as a
    list; editors tick them in the admin."""

    def formfield(self, **kwargs):
        from news.models import NewsKind

        return forms.TypedMultipleChoiceField(
            choices=NewsKind.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
        )


class Interest(TranslatableMixin, Orderable):
    """A topic visitors can choose, e.g. "News and Events". Topics are data: editors add,
    rename and reorder them in the admin (Subscribers → Interests) without a code change.

    Translatable with wagtail-localize: the English row is the topic (subscribers,
    mailings, admin filters and the order point at it); a translation shares its
    translation_key and only gives the name in another language (see `localized`)."""

    name = models.CharField(
        max_length=100,
        help_text='The topic as visitors see it next to its checkbox, e.g. "News and Events".',
    )
    slug = models.SlugField(
        max_length=100,
        blank=True,
        help_text="Short code sent by the form; filled in from the name when left empty. "
        "Avoid changing it: forms already open in visitors' browsers would send the old one. "
        "Translations always use the English topic's code.",
    )

    news_kinds = NewsKindsField(
        "sends",
        default=list,
        blank=True,
        help_text="News & Events pages of these kinds can be sent to the topic's subscribers "
        "(Send to subscribers, on the page's menu). A kind goes to one topic at most.",
    )

    objects = InterestQuerySet.as_manager()

    # The name is translated segment by segment; the slug is the topic's code in every
    # language, copied from the English topic (never offered for translation).
    override_translatable_fields = [
        SynchronizedField("slug", overridable=False),
        SynchronizedField("news_kinds", overridable=False),
    ]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = "interest"
        verbose_name_plural = "interests"
        unique_together = [("translation_key", "locale"), ("locale", "name"), ("locale", "slug")]

    def __str__(self):
        return self.name

    @property
    def is_source(self):
        return self.locale.language_code == default_language()

    def get_source(self):
        """The default-locale row of this topic (itself when it is one), or None."""
        if self.is_source:
            return self
        return Interest.objects.sources().filter(translation_key=self.translation_key).first()

    def clean(self):
        super().clean()
        if self.locale_id and not self.is_source:
            return  # a translation's kinds are the English topic's
        taken = {
            kind: topic.name
            for topic in Interest.objects.sources().exclude(pk=self.pk)
            for kind in topic.news_kinds
        }
        clashes = [f"{kind} ({taken[kind]})" for kind in self.news_kinds if kind in taken]
        if clashes:
            raise ValidationError(
                {"news_kinds": "Already sent to another topic: " + ", ".join(clashes) + "."}
            )

    def save(self, *args, **kwargs):
        if self.locale_id is None:
            self.locale = self.get_default_locale()
        source = None if self.is_source else self.get_source()
        if source is not None:
            self.slug = source.slug  # synchronised from the English topic
        if not self.slug:
            base = slugify(self.name)[:90] or "topic"
            slug, number = base, 2
            same_locale = Interest.objects.filter(locale_id=self.locale_id).exclude(pk=self.pk)
            while same_locale.filter(slug=slug).exists():
                slug, number = f"{base}-{number}", number + 1
            self.slug = slug
        super().save(*args, **kwargs)
        if self.is_source:
            self.get_translations().exclude(slug=self.slug).update(slug=self.slug)


@receiver(post_delete, sender=Interest)
def delete_translations_with_their_topic(sender, instance, **kwargs):
    """Deleting an English topic deletes its translations: no orphans are left behind."""
    if instance.locale_id and instance.is_source:
        Interest.objects.filter(translation_key=instance.translation_key).delete()
