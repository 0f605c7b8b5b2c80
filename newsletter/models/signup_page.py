"""The editable sign-up page, which also words everything else the newsletter shows."""

from django.db import models
from django.utils.translation import get_language, gettext_noop
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.fields import RichTextField
from wagtail.search import index

from bostonems_site.i18n import version_in_language
from bostonems_site.models import INTRO_FEATURES, BasePage
from newsletter.forms import SignupForm
from newsletter.models.topics import Interest

# True in every case the visitor cannot be told apart: a new message was sent, or an earlier
# one still stands because the address had one in the last 10 minutes or 3 today.
THANK_YOU_TEXT = (
    "<p>If the address you entered can receive email, a message from us is on its way or "
    "already in its inbox. To protect mailboxes, we send one address at most one message every "
    "10 minutes and 3 a day, so signing up again soon after does not send another: open the "
    "latest message from us and follow its link to confirm your subscription or to manage "
    "your preferences. The link works for 7 days.</p><p>Nothing there after a few minutes? "
    "Check your spam or junk folder.</p>"
)


def _text(default, help_text, max_length=255):
    return models.CharField(max_length=max_length, default=default, help_text=help_text)


class NewsletterSignupPage(BasePage):
    """The sign-up page. It also holds every visitor-facing text of the newsletter feature:
    the home sidebar box, the confirmation and preferences pages, the emails and the problem
    pages all read their wording from here, so editors change it in one place. The defaults of
    the texts emails show are also in the translation catalogues (gettext_noop): a subscriber
    whose language has no translated sign-up page gets them translated (newsletter/emails.py)."""

    intro = RichTextField(
        features=INTRO_FEATURES,
        blank=True,
        default="<p>Get email updates from Boston EMS about the topics you choose. We will send "
        "you an email to confirm your address first.</p>",
        help_text="Shown above the sign-up form on this page.",
    )
    # The form (home sidebar and this page)
    sidebar_heading = _text(
        "Sign up for updates",
        "Heading of the sign-up box in the home page sidebar.",
    )
    email_label = _text("Email address", "Label of the email field.")
    interests_legend = _text(
        gettext_noop("I'm interested in:"),
        "Question above the topic checkboxes (the fieldset legend).",
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
    error_email_hidden_characters = _text(
        "Your email address contains a hidden or unreadable character, often left by copying "
        "and pasting. Type the address again",
        "Error when the email address contains an invisible control, formatting or "
        "text-direction character, or a character that could not be read.",
        max_length=400,
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
        default=THANK_YOU_TEXT,
        help_text="Shown after the form is sent. It is the same whether or not the address "
        "was already subscribed, and whether or not a new message was sent (one address gets "
        "at most one every 10 minutes and 3 a day), so nobody can find out who is.",
    )
    # Confirmation and preferences pages
    confirm_heading = _text(
        gettext_noop("Confirm your subscription"), "Heading of the confirmation page."
    )
    confirm_text = _text(
        "Press the button to start receiving emails about:",
        "Shown above the list of chosen topics on the confirmation page.",
    )
    confirm_button_label = _text(
        gettext_noop("Confirm my subscription"), "Text of the confirm button.", max_length=60
    )
    already_confirmed_text = _text(
        "Your subscription is already confirmed.",
        "Shown when someone opens a confirmation link again.",
    )
    confirmed_message = _text(
        "Thank you. Your subscription is confirmed.", "Shown after confirming."
    )
    preferences_heading = _text(
        gettext_noop("Your email preferences"), "Heading of the preferences page."
    )
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
    save_button_label = _text("Save my choices", "Text of the save button.", max_length=60)
    saved_message = _text("Your choices are saved.", "Shown after saving preferences.")
    unsubscribe_heading = _text("Stop all emails", "Heading of the unsubscribe part.")
    unsubscribe_button_label = _text(
        "Unsubscribe from all emails", "Text of the unsubscribe button.", max_length=60
    )
    unsubscribed_message = _text(
        "You are unsubscribed. We will not email you again unless you sign up again.",
        "Shown once an address is unsubscribed (preferences and one-click unsubscribe pages).",
    )
    # Emails
    confirmation_subject = _text(
        gettext_noop("Please confirm your Boston EMS email updates"),
        "Subject of the email that asks a new subscriber to confirm.",
    )
    confirmation_email_text = models.TextField(
        default=gettext_noop(
            "Thank you for signing up for email updates from Boston EMS. Please confirm "
            "your subscription with the link below. It works for 7 days."
        ),
        help_text="First paragraph of the confirmation email.",
    )
    preferences_subject = _text(
        gettext_noop("Manage your Boston EMS email updates"),
        "Subject of the email sent when an already subscribed address signs up again.",
    )
    preferences_email_text = models.TextField(
        default=gettext_noop(
            "Someone, probably you, asked to sign up with this address, which is already "
            "subscribed. Use the link below to change your topics or to unsubscribe."
        ),
        help_text="First paragraph of that email.",
    )
    email_footer = models.TextField(
        default=gettext_noop(
            "If you did not ask for this, you can ignore this email: you will not be "
            "subscribed and we will not write again."
        ),
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
                FieldPanel("error_email_hidden_characters"),
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
    def for_active_language(cls):
        """The live sign-up page in the active language (the request's, from its URL), see
        for_language."""
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
        context = super().get_context(request, *args, **kwargs)
        if form is None:
            # Topic names in the page's language (the URL's), English when untranslated.
            form = SignupForm(interests=Interest.objects.localized(), texts=self)
        context["form"] = form
        context["default_source"] = request.path if request else ""
        return context
