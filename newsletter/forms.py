"""The sign-up and preferences forms. Their wording (labels, error messages) comes from the
editable NewsletterSignupPage passed in as `texts`.

Every check runs in Python before any database query sees visitor data, so odd input (NUL bytes,
control characters, enormous values, repeated fields) ends as a 400 with a message, never as a
database error."""

import re

from django import forms
from django.core.exceptions import ValidationError

from newsletter.addresses import email_problem, normalise_email

# The path of the page the form was on (our own forms send it); nothing else. Home pages
# cached before the sidebar sent its path still send this marker: it stands for the home page.
OLD_HOME_SIDEBAR_MARKER = "home sidebar"
SOURCE_PATTERN = re.compile(r"(?:home sidebar|/[A-Za-z0-9/_.\-]{0,200})\Z")
SINGLE_VALUED = ("email", "source", "website")


class TextField(forms.Field):
    """A plain text field without Django's default validators: the form checks it itself."""

    def to_python(self, value):
        return "" if value is None else str(value).strip()


class InterestFormMixin:
    """A checkbox list of the topics with editable error messages. `interests` are the
    default-locale topics, usually localized (Interest.objects.localized()): the checkboxes
    show the visitor's language, the values are the topics' slugs."""

    id_prefix = "newsletter-"

    def add_interest_field(self, interests, texts):
        self.interest_list = list(interests)
        self.fields["interests"] = forms.MultipleChoiceField(
            choices=[(interest.slug, interest.name) for interest in interests],
            error_messages={
                "required": texts.error_interests_required,
                "invalid_choice": texts.error_interests_invalid,
                "invalid_list": texts.error_interests_invalid,
            },
        )

    @property
    def chosen_interests(self):
        """The chosen topics as default-locale Interest rows (what a subscriber stores), also
        when the form shows them localized (LocalizedInterest)."""
        chosen = set(self.cleaned_data.get("interests") or [])
        return [
            getattr(interest, "interest", interest)
            for interest in self.interest_list
            if interest.slug in chosen
        ]

    @property
    def first_interest_id(self):
        first = self.interest_list[0].slug if self.interest_list else ""
        return f"{self.id_prefix}interest-{first}"

    def summary_items(self):
        """(link target, message) pairs for the error summary, in page order."""
        targets = {"email": f"{self.id_prefix}email", "interests": self.first_interest_id}
        items = [(f"#{self.id_prefix}form", error) for error in self.non_field_errors()]
        for name in ("email", "interests"):
            for error in self.errors.get(name, []):
                items.append((f"#{targets[name]}", error))
        return items


class SignupForm(InterestFormMixin, forms.Form):
    email = TextField(required=False)
    source = TextField(required=False)
    # Honeypot: visually hidden, labelled "Leave this field empty"; people leave it empty,
    # form-filling robots do not.
    website = TextField(required=False)

    def __init__(self, data=None, *, interests, texts, id_prefix="newsletter-"):
        super().__init__(data)
        self.texts = texts
        self.id_prefix = id_prefix
        self.add_interest_field(interests, texts)

    def clean_email(self):
        address = self.cleaned_data["email"]
        problem = email_problem(address)
        if problem is not None:
            messages = {
                "required": self.texts.error_email_required,
                "too_long": self.texts.error_email_too_long,
                "invalid": self.texts.error_email_invalid,
                "hidden_characters": self.texts.error_email_hidden_characters,
            }
            raise ValidationError(messages[problem], code=problem)
        return normalise_email(address)

    def clean_source(self):
        source = self.cleaned_data["source"]
        return "/" if source == OLD_HOME_SIDEBAR_MARKER else source

    def clean(self):
        cleaned = super().clean()
        repeated = any(len(self.data.getlist(name)) > 1 for name in SINGLE_VALUED)
        source = cleaned.get("source", "")
        if repeated or (source and not SOURCE_PATTERN.match(source)):
            raise ValidationError(self.texts.error_form_tampered, code="tampered")
        return cleaned

    @property
    def is_robot(self):
        return bool(self.is_bound and self.data.get("website", "").strip())

    @property
    def email_value(self):
        return self.data.get("email", "") if self.is_bound else ""

    @property
    def source_value(self):
        if not self.is_bound:
            return ""
        source = self.data.get("source", "")
        return source if SOURCE_PATTERN.match(source) else ""

    @property
    def selected_slugs(self):
        return self.data.getlist("interests") if self.is_bound else []


class PreferencesForm(InterestFormMixin, forms.Form):
    """Change topics (`action=save`) or unsubscribe (`action=unsubscribe`). Saving no topic
    is valid (it asks to unsubscribe) unless `topics_required` (subscribing again)."""

    SAVE, UNSUBSCRIBE = "save", "unsubscribe"
    action = TextField(required=False)

    def __init__(self, data=None, *, interests, texts, selected=(), topics_required=False):
        super().__init__(data)
        self.texts = texts
        self.id_prefix = "preferences-"
        self.initial_slugs = list(selected)
        self.interest_list = list(interests)
        if not self.unsubscribing:  # unsubscribing ignores whatever topics were sent
            self.add_interest_field(interests, texts)
            self.fields["interests"].required = topics_required

    @property
    def unsubscribing(self):
        return self.is_bound and self.data.get("action") == self.UNSUBSCRIBE

    def clean(self):
        cleaned = super().clean()
        actions = self.data.getlist("action")
        if len(actions) != 1 or actions[0] not in (self.SAVE, self.UNSUBSCRIBE):
            raise ValidationError(self.texts.error_form_tampered, code="tampered")
        return cleaned

    @property
    def selected_slugs(self):
        return self.data.getlist("interests") if self.is_bound else self.initial_slugs
