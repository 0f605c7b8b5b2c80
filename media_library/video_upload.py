"""The media library's upload and edit form (wagtailmedia's `MEDIA_FORM_BASE` setting): the site
publishes videos only, and what the file says about itself is read from it, not asked for.

With FFmpeg on the server the editor gives a title and the file; the length, picture size and
a still frame for the library's listing come from the file. Without FFmpeg the editor types the
length (minutes:seconds, the way video pages used to ask for it) and may give the size and a
thumbnail picture."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtailmedia.forms import BaseMediaForm
from wagtailmedia.models import MediaType

from media_library import video_probe

READ_FROM_FILE = ("duration", "width", "height", "thumbnail")


class VideoUploadForm(BaseMediaForm):
    duration = forms.DurationField(
        label="Length",
        help_text="How long the video runs: minutes:seconds (2:10) or hours:minutes:seconds "
        "(1:02:10). Video pages show it and tell search engines.",
        error_messages={
            "required": "Enter how long the video runs, e.g. 2:10.",
            "invalid": "Enter the length as minutes:seconds (2:10) or hours:minutes:seconds "
            "(1:02:10).",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reads_file = video_probe.tools_available()
        for name in READ_FROM_FILE if self.reads_file else ():
            self.fields.pop(name, None)
        if self.instance.duration and "duration" in self.fields:
            self.initial["duration"] = timedelta(seconds=self.instance.duration)

    def clean_duration(self):
        length = self.cleaned_data["duration"]
        if length <= timedelta(0):
            raise ValidationError("A video lasts at least one second.")
        return length.total_seconds()

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.type != MediaType.VIDEO:
            raise ValidationError(
                "This site publishes videos only: upload an MP4, M4V or WebM video."
            )
        new_file = "file" in self.changed_data and cleaned_data.get("file")
        if self.reads_file and (new_file or not self.instance.duration) and not self.errors:
            self._read_facts(new_file or self.instance.file)
        return cleaned_data

    def _read_facts(self, video_file):
        try:
            with video_probe.local_path(video_file) as path:
                facts = video_probe.probe(path)
                still = video_probe.still_frame(path, facts.duration)
        except video_probe.UnreadableVideo as error:
            self.add_error("file", f"{error} Upload an MP4, M4V or WebM video.")
            return
        except OSError:
            self.add_error("file", "The file could not be read: upload it again.")
            return
        self.instance.duration = facts.duration
        self.instance.width, self.instance.height = facts.width, facts.height
        self.instance.thumbnail = ContentFile(still, name="video-still.jpg")
