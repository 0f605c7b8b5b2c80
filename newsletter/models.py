"""Newsletter subscribers, the topics they choose, and the editable sign-up page.

Privacy: a subscriber row holds only what is needed to send the chosen emails and to prove
consent (address, topics, status with timestamps, where they signed up, the consent wording they
saw, language). No IP address is stored; rate limiting keeps a salted hash of it in the cache
for a few minutes only (see newsletter/ratelimit.py).
"""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.text import capfirst, slugify
from django.utils.translation import get_language
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.fields import RichTextField
from wagtail.models import Orderable, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from bostonems_site.i18n import version_in_language
from bostonems_site.models import INTRO_FEATURES, BasePage

EMAIL_MAX_LENGTH = 254


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
    identity, what subscribers and mailings point at) with the name in their language."""

    interest: "Interest"
    name: str

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
            LocalizedInterest(row, names.get(row.translation_key, row.name))
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


class Subscriber(models.Model):
    """One email address and the topics its owner chose.

    The address is stored normalised (surrounding spaces removed, domain lower-cased; the part
    before the @ is kept as typed because mail servers may treat it case-sensitively) and is
    unique case-insensitively through a database constraint on LOWER(email), so "Ann@X.org"
    and "ann@x.org" can never be two rows, on SQLite or PostgreSQL.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    class Mail(models.TextChoices):
        NONE = "", "None"
        CONFIRMATION = "confirmation", "Confirmation request"
        PREFERENCES = "preferences", "Link to manage preferences"

    email = models.EmailField("email address", max_length=EMAIL_MAX_LENGTH)
    interests = models.ManyToManyField(Interest, blank=True, related_name="subscribers")
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField("signed up", auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField("confirmed", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("unsubscribed", null=True, blank=True)
    source = models.CharField(
        max_length=255, blank=True, help_text='Where they signed up: a page path or "home sidebar".'
    )
    consent_text = models.TextField(
        "consent wording", blank=True, help_text="The consent text shown when they signed up."
    )
    language_code = models.CharField(max_length=15, default="en")
    # The durable outbox: an email that still has to go out. Cleared only once it was sent, so a
    # mail server outage loses nothing (see `manage.py send_pending_newsletter_mail`).
    mail_due = models.CharField(
        "email waiting to be sent", max_length=20, choices=Mail.choices, blank=True, default=""
    )
    mail_requested_at = models.DateTimeField("last email requested", null=True, blank=True)
    mail_sent_at = models.DateTimeField("last email sent", null=True, blank=True)
    mail_failures = models.PositiveSmallIntegerField("failed sending attempts", default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="newsletter_subscriber_email_ci_unique",
                violation_error_message="This email address is already subscribed.",
            )
        ]

    def __str__(self):
        return self.email

    def interest_names(self):
        """Topic names, in the editors' order (uses prefetched interests when available)."""
        interests = sorted(self.interests.all(), key=lambda i: (i.sort_order or 0, i.pk))
        return ", ".join(interest.name for interest in interests)

    interest_names.short_description = "Interests"


def _text(default, help_text, max_length=255):
    return models.CharField(max_length=max_length, default=default, help_text=help_text)


class NewsletterSignupPage(BasePage):
    """The sign-up page. It also holds every visitor-facing text of the newsletter feature:
    the home sidebar box, the confirmation and preferences pages, the emails and the problem
    pages all read their wording from here, so editors change it in one place."""

    intro = RichTextField(
        features=INTRO_FEATURES,
        blank=True,
        default="<p>Get email updates from Boston EMS about the topics you choose. We will send "
        "you an email to confirm your address first.</p>",
        help_text="Shown above the sign-up form on this page.",
    )
    # The form (home sidebar and this page)
    sidebar_heading = _text(
        "Sign-up to receive updates",
        "Heading of the sign-up box in the home page sidebar.",
    )
    email_label = _text("Email address", "Label of the email field.")
    interests_legend = _text(
        "I'm interested in:", "Question above the topic checkboxes (the fieldset legend)."
    )
    consent_text = models.TextField(
        default="We will only email you about the topics you choose. We keep your email address "
        "and your choices, nothing else, until you unsubscribe. Every email has a link to "
        "change your choices or unsubscribe.",
        help_text="Shown under the topics. A copy of this wording is kept with each new "
        "subscriber as a record of what they agreed to.",
    )
    button_label = _text("Sign up", "Text of the sign-up button.", max_length=60)
    # Form errors
    error_summary_heading = _text(
        "There is a problem", "Heading of the error list shown above a form with mistakes."
    )
    error_email_required = _text("Enter your email address", "Error when the email field is empty.")
    error_email_invalid = _text(
        "Enter an email address in the correct format, like name@example.com",
        "Error when the email address is not valid.",
    )
    error_email_too_long = _text(
        "Enter an email address of 254 characters or fewer",
        "Error when the email address is too long.",
    )
    error_interests_required = _text("Choose at least one topic", "Error when no topic is ticked.")
    error_interests_invalid = _text(
        "Choose topics from the list", "Error when the form sends a topic that does not exist."
    )
    error_form_tampered = _text(
        "The form was sent incomplete or twice. Please fill it in again.",
        "Error when the form arrives damaged (for example a field sent twice).",
    )
    # After signing up
    thank_you_heading = _text(
        "Check your email", "Heading of the page shown after the form is sent."
    )
    thank_you_text = RichTextField(
        features=INTRO_FEATURES,
        default="<p>If the address you entered can receive email, a message from us is on its "
        "way. Open it and follow the link to confirm your subscription or to manage your "
        "preferences. The link works for 7 days.</p><p>Nothing arrived after a few minutes? "
        "Check your spam or junk folder.</p>",
        help_text="Shown after the form is sent. It is the same whether or not the address "
        "was already subscribed, so nobody can find out who is.",
    )
    # Confirmation and preferences pages
    confirm_heading = _text("Confirm your subscription", "Heading of the confirmation page.")
    confirm_text = _text(
        "Press the button to start receiving emails about:",
        "Shown above the list of chosen topics on the confirmation page.",
    )
    confirm_button_label = _text(
        "Confirm my subscription", "Text of the confirm button.", max_length=60
    )
    already_confirmed_text = _text(
        "Your subscription is already confirmed.",
        "Shown when someone opens a confirmation link again.",
    )
    confirmed_message = _text(
        "Thank you. Your subscription is confirmed.", "Shown after confirming."
    )
    preferences_heading = _text("Your email preferences", "Heading of the preferences page.")
    preferences_text = _text(
        "Choose the topics you want to hear about, then save.",
        "Shown above the topics on the preferences page.",
    )
    status_confirmed_text = _text(
        "You are subscribed.", "Preferences page: status of a confirmed subscriber."
    )
    status_pending_text = _text(
        "Your subscription is not confirmed yet. Saving your choices confirms it.",
        "Preferences page: status of a subscriber who has not confirmed yet.",
    )
    status_unsubscribed_text = _text(
        "You are unsubscribed. Saving your choices subscribes you again.",
        "Preferences page: status of an unsubscribed address.",
    )
    save_button_label = _text("Save my choices", "Text of the save button.", max_length=60)
    saved_message = _text("Your choices are saved.", "Shown after saving preferences.")
    unsubscribe_heading = _text("Stop all emails", "Heading of the unsubscribe part.")
    unsubscribe_button_label = _text(
        "Unsubscribe from all emails", "Text of the unsubscribe button.", max_length=60
    )
    unsubscribed_message = _text(
        "You are unsubscribed. We will not email you again unless you sign up again.",
        "Shown after unsubscribing.",
    )
    # Emails
    confirmation_subject = _text(
        "Please confirm your Boston EMS email updates",
        "Subject of the email that asks a new subscriber to confirm.",
    )
    confirmation_email_text = models.TextField(
        default="Thank you for signing up for email updates from Boston EMS. Please confirm "
        "your subscription with the link below. It works for 7 days.",
        help_text="First paragraph of the confirmation email.",
    )
    preferences_subject = _text(
        "Manage your Boston EMS email updates",
        "Subject of the email sent when an already subscribed address signs up again.",
    )
    preferences_email_text = models.TextField(
        default="Someone, probably you, asked to sign up with this address, which is already "
        "subscribed. Use the link below to change your topics or to unsubscribe.",
        help_text="First paragraph of that email.",
    )
    email_footer = models.TextField(
        default="If you did not ask for this, you can ignore this email: you will not be "
        "subscribed and we will not write again.",
        help_text="Closing paragraph of every newsletter email.",
    )
    # Problem pages
    problem_heading = _text("Sorry, something went wrong", "Heading of the problem pages below.")
    invalid_link_text = _text(
        "This link does not work. It may be incomplete: try copying the whole link from the "
        "email into your browser.",
        "Shown when a link from an email was changed or cut short.",
        max_length=400,
    )
    expired_link_text = _text(
        "This link has expired. Sign up again with the same address and we will send you a "
        "new one.",
        "Shown when a link from an email is too old.",
        max_length=400,
    )
    unknown_subscriber_text = _text(
        "We could not find this subscription. It may have been removed. You can sign up again.",
        "Shown when the link belongs to an address that was deleted.",
        max_length=400,
    )
    forbidden_text = _text(
        "We could not accept the form because your browser did not confirm that it was sent "
        "from this website. Please open the sign-up page and try again.",
        "Shown when a form arrives from another website or without the browser's origin "
        "information.",
        max_length=400,
    )
    too_many_text = _text(
        "You have sent the form several times in a short while. Please wait a few minutes and "
        "try again.",
        "Shown when the same visitor sends the form too often.",
        max_length=400,
    )
    wrong_method_text = _text(
        "This address only receives the sign-up form. Please use the sign-up page.",
        "Shown when someone opens the form's sending address directly.",
        max_length=400,
    )

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    form_panels = [
        HelpPanel(
            "These texts are used by the sign-up box in the home page sidebar and by the form "
            "on this page. Topics are edited under Subscribers → Interests."
        ),
        FieldPanel("sidebar_heading"),
        FieldPanel("email_label"),
        FieldPanel("interests_legend"),
        FieldPanel("consent_text"),
        FieldPanel("button_label"),
        MultiFieldPanel(
            [
                FieldPanel("error_summary_heading"),
                FieldPanel("error_email_required"),
                FieldPanel("error_email_invalid"),
                FieldPanel("error_email_too_long"),
                FieldPanel("error_interests_required"),
                FieldPanel("error_interests_invalid"),
                FieldPanel("error_form_tampered"),
            ],
            heading="Error messages",
        ),
        MultiFieldPanel(
            [FieldPanel("thank_you_heading"), FieldPanel("thank_you_text")],
            heading="After sending the form",
        ),
    ]
    subscriber_panels = [
        MultiFieldPanel(
            [
                FieldPanel("confirm_heading"),
                FieldPanel("confirm_text"),
                FieldPanel("confirm_button_label"),
                FieldPanel("already_confirmed_text"),
                FieldPanel("confirmed_message"),
            ],
            heading="Confirmation page",
        ),
        MultiFieldPanel(
            [
                FieldPanel("preferences_heading"),
                FieldPanel("preferences_text"),
                FieldPanel("status_confirmed_text"),
                FieldPanel("status_pending_text"),
                FieldPanel("status_unsubscribed_text"),
                FieldPanel("save_button_label"),
                FieldPanel("saved_message"),
                FieldPanel("unsubscribe_heading"),
                FieldPanel("unsubscribe_button_label"),
                FieldPanel("unsubscribed_message"),
            ],
            heading="Preferences page",
        ),
        MultiFieldPanel(
            [
                FieldPanel("problem_heading"),
                FieldPanel("invalid_link_text"),
                FieldPanel("expired_link_text"),
                FieldPanel("unknown_subscriber_text"),
                FieldPanel("forbidden_text"),
                FieldPanel("too_many_text"),
                FieldPanel("wrong_method_text"),
            ],
            heading="Problem pages",
        ),
    ]
    email_panels = [
        FieldPanel("confirmation_subject"),
        FieldPanel("confirmation_email_text"),
        FieldPanel("preferences_subject"),
        FieldPanel("preferences_email_text"),
        FieldPanel("email_footer"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(form_panels, heading="Sign-up form"),
            ObjectList(subscriber_panels, heading="Subscriber pages"),
            ObjectList(email_panels, heading="Emails"),
            ObjectList(BasePage.promote_panels, heading="Promote"),
            ObjectList(BasePage.settings_panels, heading="Settings"),
        ]
    )
    search_fields = BasePage.search_fields + [index.SearchField("intro")]

    parent_page_types = ["bostonems_site.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "newsletter sign-up page"

    @classmethod
    def for_request(cls, request=None):
        """The live sign-up page in the language of the request (its URL), see for_language."""
        return cls.for_language(get_language())

    @classmethod
    def for_language(cls, language_code):
        """The live sign-up page in `language_code` (its texts word the forms, pages and emails),
        else the English one, else an unsaved page carrying the default texts when editors have
        not created it (so the feature never breaks for lack of a page). One query."""
        pages = cls.objects.live().order_by("-pk")  # the oldest page of a language wins
        return version_in_language(pages, language_code) or cls(title="Sign up for updates")

    def get_context(self, request, *args, form=None, **kwargs):
        """The page with an empty form, or with `form` (a bound form with errors) when the
        sign-up view re-renders it."""
        from newsletter.forms import SignupForm

        context = super().get_context(request, *args, **kwargs)
        if form is None:
            # Topic names in the page's language (the URL's), English when untranslated.
            form = SignupForm(interests=Interest.objects.localized(), texts=self)
        context["form"] = form
        context["default_source"] = request.path if request else ""
        return context


class Mailing(models.Model):
    """One sending of a published page to the confirmed subscribers of one topic. The
    recipients are fixed when it starts: one Delivery row each, so an interrupted sending
    resumes with exactly the people who have not received it yet."""

    page = models.ForeignKey(
        "wagtailcore.Page", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=255)
    interest = models.ForeignKey(Interest, null=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("started", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.subject} ({self.created_at:%Y-%m-%d %H:%M})"

    def progress(self):
        counts = dict(
            self.deliveries.values_list("status").annotate(n=models.Count("pk")).order_by()
        )
        return {status: counts.get(status, 0) for status in Delivery.Status.values}


class Delivery(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (unsubscribed meanwhile)"

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    # Erasing a subscriber also erases their deliveries.
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "subscriber"], name="newsletter_delivery_once_per_mailing"
            )
        ]

    def __str__(self):
        return f"{self.mailing_id} → subscriber {self.subscriber_id}: {self.status}"
