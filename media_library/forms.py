from django import forms
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from divisions.forms import RelatedDivisionsPageForm

PUBLISH_REQUIRED = {
    "summary": "Write a short description before publishing.",
    "image": "Choose a thumbnail image before publishing.",
    "transcript": "Add a transcript before publishing: everything said in the video and "
    "important sounds or on-screen text. You can save a draft without one.",
}


class VideoPageForm(RelatedDivisionsPageForm):
    """The admin form for video pages.

    Drafts may be incomplete. Wagtail (7+) defers required fields when an editor saves a draft
    (`defer_required_fields`, which sets `is_deferred_validation`); publishing and submitting
    for moderation validate everything, so the rules that only apply on publish live here.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in PUBLISH_REQUIRED.items():
            if name in self.fields:
                self.fields[name].error_messages["required"] = message
        if "hosted_duration" in self.fields:
            self.fields["hosted_duration"].error_messages["invalid"] = (
                "Enter the length as minutes:seconds (2:10) or hours:minutes:seconds (1:02:10)."
            )

    def clean(self):
        cleaned_data = super().clean()
        if self.is_deferred_validation:
            return cleaned_data  # saving a draft
        # An emptied editor can still hold empty paragraphs: that is no transcript either.
        transcript = cleaned_data.get("transcript") or ""
        if "transcript" not in self.errors and not strip_tags(transcript).strip():
            self.add_error("transcript", PUBLISH_REQUIRED["transcript"])
        video_file = cleaned_data.get("video_file")
        hosted_url = cleaned_data.get("hosted_url")
        source_errors = "video_file" in self.errors or "hosted_url" in self.errors
        if not video_file and not hosted_url and not source_errors:
            message = (
                "Choose an uploaded video or enter a YouTube or Vimeo address before publishing."
            )
            self.add_error("video_file", message)
            self.add_error("hosted_url", message)
        missing_length = cleaned_data.get("hosted_duration") is None  # 0:00 fails validation
        if hosted_url and missing_length and "hosted_duration" not in self.errors:
            self.add_error(
                "hosted_duration", "Enter how long the video runs (e.g. 2:10) before publishing."
            )
        if video_file and not video_file.duration:
            self.add_error(
                "video_file",
                f"The media library does not know how long “{video_file.title}” runs: edit it "
                "under Media and enter its length before publishing.",
            )
        if video_file and not cleaned_data.get("captions") and "captions" not in self.errors:
            self.add_error(
                "captions",
                "Uploaded videos need a captions file before they can be published: choose or "
                "upload a WebVTT (.vtt) file. You can save a draft without one.",
            )
        return cleaned_data


class VideoFilterForm(forms.Form):
    """The gallery's "show videos about this division" filter (a GET form).

    `divisions` is evaluated once: the same list gives the options and validates the choice."""

    division = forms.ChoiceField(
        required=False,
        label=_("Division"),
        error_messages={
            "invalid_choice": _("There are no videos for that division, so all videos are shown.")
        },
    )

    def __init__(self, data, divisions):
        super().__init__(data)
        self.divisions = {division.slug: division for division in divisions}
        field = self.fields["division"]
        field.choices = [("", _("All divisions"))] + [
            (slug, division.title) for slug, division in self.divisions.items()
        ]
        field.widget.attrs["aria-describedby"] = "division-error"

    def clean_division(self):
        return self.divisions.get(self.cleaned_data["division"])

    def full_clean(self):
        super().full_clean()
        if "division" not in self.errors:
            del self.fields["division"].widget.attrs["aria-describedby"]
