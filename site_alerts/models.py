"""Site alerts: banners at the top of every page (a storm, a service disruption), written by
moderators and shown without publishing between their start and end times. Each alert is also
sent to partners as Common Alerting Protocol messages (IssuedMessage, site_alerts/cap.py)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.models import TranslatableMixin

from bostonems_site.models import PageOrAddressLink


class SiteAlert(TranslatableMixin, PageOrAddressLink):
    """A banner at the top of every page, e.g. for a storm or a service disruption. It shows only
    between its start and end times, so it appears and disappears without anyone publishing.

    Editors write alerts in English and translate them with the Translate button. Whether and
    how an alert shows (switched on, level, times) always comes from the English alert; a
    translation only supplies its wording, and only while it is as recent as the English text:
    a translation left behind by an edit is never shown (see `alerts_to_show`)."""

    INFO = "info"
    URGENT = "urgent"
    # Changes to these make existing translations out of date.
    WORDING_FIELDS = ("title", "message", "instruction", "link_text", "link_page_id", "link_url")
    # What partners' systems (CAP: urgency, severity, certainty) read about an alert, as editors
    # choose it in plain words. Blank: what the level implies (LEVEL_DEFAULTS).
    URGENCY_CHOICES = [
        ("Immediate", "Act now"),
        ("Expected", "Act soon (within the next hour)"),
        ("Future", "Act in the coming hours or days"),
        ("Past", "No action needed any more"),
    ]
    SEVERITY_CHOICES = [
        ("Extreme", "Extraordinary threat to life or health"),
        ("Severe", "Significant threat to life or health"),
        ("Moderate", "Possible threat to life or health"),
        ("Minor", "Little or no threat to life or health"),
    ]
    CERTAINTY_CHOICES = [
        ("Observed", "It is happening now"),
        ("Likely", "It will probably happen"),
        ("Possible", "It might happen"),
        ("Unlikely", "It is not expected to happen"),
    ]
    LEVEL_DEFAULTS = {
        URGENT: {"urgency": "Immediate", "severity": "Severe", "certainty": "Observed"},
        INFO: {"urgency": "Expected", "severity": "Minor", "certainty": "Observed"},
    }

    link_required = False

    enabled = models.BooleanField(
        "Show the alert",
        default=False,
        help_text="Tick to show the alert on every page (between the start and end times).",
    )
    level = models.CharField(
        max_length=10,
        choices=[(INFO, "Information (blue)"), (URGENT, "Urgent (red)")],
        default=INFO,
        help_text="Urgent alerts are red; use them only when people's safety is concerned.",
    )
    title = models.CharField(
        max_length=120, help_text="A short heading, e.g. 'Snow emergency in effect'."
    )
    message = models.TextField(
        max_length=600, help_text="One or two sentences telling visitors what to do."
    )
    instruction = models.TextField(
        "What people should do",
        max_length=600,
        blank=True,
        help_text="Optional, e.g. 'Call 9-1-1 only for emergencies; stay off the roads.' Shown "
        "under the message and sent to partners as the instruction.",
    )
    link_text = models.CharField(
        max_length=80, blank=True, help_text="Text of the link, e.g. 'Read the full advisory'."
    )
    starts_at = models.DateTimeField(
        "Start", null=True, blank=True, help_text="Leave blank to show it straight away."
    )
    ends_at = models.DateTimeField(
        "End",
        null=True,
        blank=True,
        help_text="The alert disappears by itself at this time. Leave blank to show it until "
        "you untick 'Show the alert'.",
    )
    urgency = models.CharField(
        "How soon people must act",
        max_length=10,
        choices=URGENCY_CHOICES,
        blank=True,
        help_text="Leave blank: urgent alerts say 'act now', information 'act soon'.",
    )
    severity = models.CharField(
        "How serious it is",
        max_length=10,
        choices=SEVERITY_CHOICES,
        blank=True,
        help_text="Leave blank: urgent alerts say 'significant threat', information 'little or "
        "no threat'.",
    )
    certainty = models.CharField(
        "How sure we are",
        max_length=10,
        choices=CERTAINTY_CHOICES,
        blank=True,
        help_text="Leave blank: 'it is happening now'.",
    )
    wording_changed_at = models.DateTimeField(null=True, editable=False)

    panels = [
        FieldPanel("enabled"),
        FieldPanel("level"),
        FieldPanel("title"),
        FieldPanel("message"),
        FieldPanel("instruction"),
        MultiFieldPanel(
            [PageChooserPanel("link_page"), FieldPanel("link_url"), FieldPanel("link_text")],
            heading="More information (optional)",
        ),
        MultiFieldPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading="When"),
        MultiFieldPanel(
            [FieldPanel("urgency"), FieldPanel("severity"), FieldPanel("certainty")],
            heading="For partners' alerting systems (optional)",
        ),
    ]

    class Meta(TranslatableMixin.Meta):
        # The table keeps the name it had when alerts lived in the core app, so moving the
        # model here kept every alert (see migrations/0001_initial.py).
        db_table = "bostonems_site_sitealert"
        verbose_name = "site alert"
        ordering = ["-enabled", "starts_at", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        stored = SiteAlert.objects.filter(pk=self.pk).values(*self.WORDING_FIELDS).first()
        if stored is None or any(stored[name] != getattr(self, name) for name in stored):
            self.wording_changed_at = timezone.now()
        super().save(*args, **kwargs)

    def partner_terms(self):
        """{"urgency", "severity", "certainty"}: the CAP values editors chose or the level's."""
        defaults = self.LEVEL_DEFAULTS.get(self.level, self.LEVEL_DEFAULTS[self.INFO])
        return {name: getattr(self, name) or default for name, default in defaults.items()}

    def clean(self):
        errors = {}
        try:
            super().clean()
        except ValidationError as error:
            errors.update(error.message_dict)
        if (self.link_page_id or self.link_url) and not self.link_text.strip():
            errors["link_text"] = "Write the text of the link."
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The end must be after the start."
        if errors:
            raise ValidationError(errors)

    def is_up_to_date_with(self, source, now=None):
        """Whether this translation's wording is as recent as the English alert's `source`."""
        now = now or timezone.now()
        return (self.wording_changed_at or now) >= (source.wording_changed_at or now)

    def next_change(self, now=None):
        """When this alert next appears or disappears by itself (None: it won't). Cached pages
        must not outlive that moment (see page_cache/middleware.py)."""
        now = now or timezone.now()
        if not self.enabled:
            return None
        upcoming = [moment for moment in (self.starts_at, self.ends_at) if moment and moment > now]
        return min(upcoming, default=None)

    def is_active(self, now=None):
        now = now or timezone.now()
        return (
            self.enabled
            and (self.starts_at is None or self.starts_at <= now)
            and (self.ends_at is None or now < self.ends_at)
        )


def alerts_to_show(language_code, now=None):
    """The alerts visitors of `language_code` see now, urgent first, each as a dict of the alert
    whose wording to show, the level and the wording's language, and when that list next
    changes by itself. One query: the English alerts that are switched on, and every alert in
    the visitor's language (a handful of rows)."""
    now = now or timezone.now()
    source_language = settings.LANGUAGE_CODE
    rows = SiteAlert.objects.filter(
        Q(locale__language_code=source_language, enabled=True)
        | Q(locale__language_code=language_code)
    ).select_related("link_page", "locale")
    sources, translations = [], {}
    for alert in rows:
        if alert.locale.language_code == source_language:
            sources.append(alert)
        else:
            translations[alert.translation_key] = alert
    next_change = min(filter(None, (alert.next_change(now) for alert in sources)), default=None)
    active = sorted(
        (alert for alert in sources if alert.is_active(now)),
        key=lambda alert: alert.level != SiteAlert.URGENT,
    )
    shown = []
    for source in active:
        translation = translations.get(source.translation_key)
        up_to_date = translation is not None and translation.is_up_to_date_with(source, now)
        wording, language = (
            (translation, language_code) if up_to_date else (source, source_language)
        )
        shown.append({"wording": wording, "level": source.level, "language": language})
    return shown, next_change


class IssuedMessage(models.Model):
    """A Common Alerting Protocol message sent to partners about an alert, kept as issued: its
    address, identifier and text never change, so partners' systems can refer to it (an Update
    or Cancel lists the messages it replaces in <references>). Saving an alert issues a new
    message only when what partners receive changes (`signature`); see site_alerts/cap.py."""

    ALERT, UPDATE, CANCEL = "Alert", "Update", "Cancel"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The alert's translation_key: the same for the English alert and its translations, and
    # kept after the alert is deleted (the Cancel still needs it).
    alert_key = models.UUIDField(db_index=True)
    msg_type = models.CharField(
        max_length=10, choices=[(ALERT, ALERT), (UPDATE, UPDATE), (CANCEL, CANCEL)]
    )
    sent = models.DateTimeField()
    effective = models.DateTimeField()
    expires = models.DateTimeField()
    references = models.ManyToManyField("self", symmetrical=False, blank=True)
    signature = models.CharField(max_length=64)
    # The <info> blocks as issued, one dict per language (site_alerts/cap.py): what the feeds
    # list, and what a Cancel repeats.
    infos = models.JSONField(default=list)
    xml = models.TextField()

    class Meta:
        ordering = ["-sent", "-pk"]
        verbose_name = "issued CAP message"

    def __str__(self):
        return f"{self.msg_type} {self.identifier}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("cap_message", args=[self.uuid])

    @property
    def identifier(self):
        return f"urn:uuid:{self.uuid}"
