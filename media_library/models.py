from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.html import strip_tags
from django.utils.text import Truncator
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index
from wagtailmedia.edit_handlers import MediaChooserPanel

from bostonems_site.i18n import in_english_order, in_language, under_page_in_language
from bostonems_site.models import INTRO_FEATURES, BasePage
from divisions.models import DivisionPage, RelatedDivisionsMixin
from media_library.forms import VideoFilterForm, VideoPageForm
from media_library.hosted_video import InvalidVideoURL, parse_video_url
from media_library.webvtt import MAX_BYTES, WebVTTError, parse_webvtt
from page_cache.fragments import fragments

TRANSCRIPT_FEATURES = ["h3", "bold", "italic", "link", "ol", "ul"]
# One rendition serves as the poster, the play-button background and the JSON-LD thumbnail.
POSTER_FILTER = "fill-960x540|format-webp"
# Newest first; ties (same publication date) by the order they were first published.
NEWEST_FIRST = ["-publication_date", "-first_published_at", "-pk"]
# The columns a video card shows (its link, title, date, length, thumbnail and summary).
VIDEO_CARD_FIELDS = [
    "title",
    "url_path",
    "summary",
    "publication_date",
    "thumbnail",
    "thumbnail_alt",
    "hosted_duration",
    "video_file",
]


def iso_duration(value):
    """timedelta(minutes=2, seconds=10) -> 'PT2M10S' (ISO 8601, as schema.org expects)."""
    total = round(value.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours}H" if hours else "", f"{minutes}M" if minutes else ""]
    parts.append(f"{seconds}S" if seconds or not (hours or minutes) else "")
    return "PT" + "".join(parts)


def clock_duration(value):
    """timedelta(minutes=2, seconds=10) -> '2:10'; an hour or more -> '1:02:10'."""
    total = round(value.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


class VideoGalleryPage(BasePage):
    intro = RichTextField(
        features=INTRO_FEATURES,
        blank=True,
        help_text="Shown above the videos. The gallery lists its published videos newest "
        "first, 12 to a page.",
    )
    hosted_video_notice = models.CharField(
        "Privacy note for YouTube and Vimeo videos",
        max_length=400,
        default="This video is hosted on another website. To protect your privacy, nothing is "
        "loaded from it until you press play; the player then uses its privacy-enhanced mode.",
        help_text="Shown under every YouTube or Vimeo video, before the visitor presses play.",
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("intro"),
        FieldPanel("hosted_video_notice"),
    ]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]

    parent_page_types = ["bostonems_site.HomePage"]
    subpage_types = ["media_library.VideoPage"]
    max_count = 1
    videos_per_page = 12

    class Meta:
        verbose_name = "video gallery page"

    @property
    def meta_description(self):
        return self.search_description or Truncator(strip_tags(self.intro)).chars(160)

    @staticmethod
    def filter_divisions(request):
        """The divisions live videos name (English videos name English divisions), each in the
        page's language where translated, for the filter. Every video is in this gallery (or
        its English version): there is only one, so every address of it (each page, each
        filter) shares the list, kept per content generation (page_cache/fragments.py)."""

        def fetch():
            named = DivisionPage.objects.filter(videos__live=True).values("translation_key")
            return list(
                in_english_order(
                    in_language(DivisionPage.objects.live().filter(translation_key__in=named))
                ).only("id", "title", "slug", "path", "url_path", "locale_id", "translation_key")
            )

        return fragments.get_or_compute(
            request,
            ("video_filter_divisions",),
            fetch,
            page_models={DivisionPage._meta.label, VideoPage._meta.label},
        )

    @staticmethod
    def page_number(request, paginator):
        """Never an error page: "abc", "0" or "-1" give the first page, 99999 the last."""
        try:
            number = int(request.GET.get("page", "1"))
        except ValueError:
            return 1
        return min(max(number, 1), paginator.num_pages)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Every video, in the page's language where translated (bostonems_site.i18n).
        videos = under_page_in_language(self, VideoPage.objects.live(), children_only=True)
        form = VideoFilterForm(request.GET, divisions=self.filter_divisions(request))
        division = form.cleaned_data["division"] if form.is_valid() else None
        if division is not None:
            videos = videos.filter(related_divisions__translation_key=division.translation_key)
        videos = (
            videos.order_by(*NEWEST_FIRST)
            # What the cards show (media_library/includes/video_card.html): reading every
            # column of each video cost more than the query.
            .only(*VIDEO_CARD_FIELDS)
            .select_related("thumbnail", "video_file")
            .prefetch_related("thumbnail__renditions")
        )
        paginator = Paginator(videos, self.videos_per_page)
        page_obj = paginator.page(self.page_number(request, paginator))
        context.update(
            filter_form=form,
            division=division,
            videos=page_obj.object_list,
            page_obj=page_obj,
            page_range=paginator.get_elided_page_range(page_obj.number, on_each_side=1),
        )
        return context


class VideoPage(RelatedDivisionsMixin, BasePage):
    publication_date = models.DateField(
        default=date.today,
        help_text="When the video was first shown. The gallery and the “Video & Multimedia” "
        "boxes list the newest first.",
    )
    summary = models.CharField(
        "Description",
        max_length=400,
        help_text="One to three sentences about the video (400 characters at most). Shown "
        "under the title, on video lists and in search results.",
    )
    thumbnail = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A still picture from the video, at least 960×540 pixels (16:9). Shown on "
        "video lists, as the poster before the video plays and to search engines.",
    )
    thumbnail_alt = models.CharField(
        "Thumbnail alt text",
        max_length=250,
        blank=True,
        help_text="Describe what the picture shows. Leave blank to use the image's own "
        "description from the image library (one of the two is needed to publish).",
    )
    related_divisions = ParentalManyToManyField(
        "divisions.DivisionPage",
        blank=True,
        related_name="videos",
        help_text="The video is listed on these divisions' pages and under their name in the "
        "gallery's filter.",
    )
    video_file = models.ForeignKey(
        "wagtailmedia.Media",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="Uploaded video",
        help_text="An MP4 or WebM file from the media library. Needs a captions file.",
    )
    captions = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="Captions file (WebVTT)",
        help_text="A .vtt captions file from the documents library; required to publish an "
        "uploaded video. It is checked when you save.",
    )
    captions_language = models.CharField(
        max_length=12,
        default="en",
        help_text="Language code of the captions, e.g. en for English, es for Spanish.",
    )
    captions_label = models.CharField(
        max_length=60,
        default="English",
        help_text="Name of the captions track in the player's menu, e.g. English or Español.",
    )
    hosted_url = models.URLField(
        "YouTube or Vimeo address",
        max_length=500,
        blank=True,
        help_text="Instead of an upload: the address of the video on YouTube "
        "(youtube.com/watch?v=…, youtu.be/…, /shorts/…) or Vimeo (vimeo.com/123456789). "
        "Visitors see the thumbnail until they press play.",
    )
    # Uploaded videos get their length from the media library (read from the file there).
    hosted_duration = models.DurationField(
        "Length of the YouTube or Vimeo video",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(timedelta(seconds=1), "A video lasts at least one second."),
            MaxValueValidator(timedelta(hours=12), "A video can last at most 12 hours."),
        ],
        help_text="How long the video runs: minutes:seconds (2:10) or "
        "hours:minutes:seconds (1:02:10).",
    )
    transcript = RichTextField(
        features=TRANSCRIPT_FEATURES,
        blank=False,
        help_text="Everything said in the video and important sounds or on-screen text. "
        "Required to publish; shown on the page under the video.",
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("publication_date"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("thumbnail"), FieldPanel("thumbnail_alt")], heading="Thumbnail"
        ),
        MultiFieldPanel(
            [
                MediaChooserPanel("video_file", media_type="video"),
                FieldPanel("captions"),
                FieldPanel("captions_language"),
                FieldPanel("captions_label"),
            ],
            heading="Uploaded video",
            help_text="Either upload a video with its captions here…",
        ),
        MultiFieldPanel(
            [FieldPanel("hosted_url"), FieldPanel("hosted_duration")],
            heading="Video on YouTube or Vimeo",
            help_text="…or use a video hosted on YouTube or Vimeo (one of the two).",
        ),
        FieldPanel("transcript"),
        FieldPanel("related_divisions"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("summary"),
        index.SearchField("transcript"),
    ]

    base_form_class = VideoPageForm
    parent_page_types = ["media_library.VideoGalleryPage"]
    subpage_types = []

    class Meta:
        verbose_name = "video page"

    @property
    def hosted_video(self):
        """The parsed YouTube/Vimeo video, or None (no or unusable address)."""
        if not self.hosted_url:
            return None
        try:
            return parse_video_url(self.hosted_url)
        except InvalidVideoURL:
            return None

    @property
    def thumbnail_alt_text(self):
        return self.thumbnail_alt or (getattr(self.thumbnail, "description", "") or "")

    og_type = "video.other"

    def get_share_image(self):
        return self.thumbnail

    @property
    def share_image_alt(self):
        return self.thumbnail_alt_text

    @property
    def duration(self):
        """How long the video runs (a timedelta, or None): an upload's length from the media
        library, a YouTube or Vimeo video's as typed on this page."""
        if self.video_file_id is None:
            return self.hosted_duration
        seconds = self.video_file.duration if self.video_file else 0
        return timedelta(seconds=seconds) if seconds else None

    @property
    def iso_duration(self):
        return iso_duration(self.duration) if self.duration else ""

    @property
    def clock_duration(self):
        return clock_duration(self.duration) if self.duration else ""

    def clean(self):
        super().clean()
        errors = {}
        if self.hosted_url:
            try:
                parse_video_url(self.hosted_url)
            except InvalidVideoURL as error:
                errors["hosted_url"] = str(error)
        if self.video_file_id and self.hosted_url:
            message = "Use either an uploaded video or a YouTube/Vimeo address, not both."
            errors.setdefault("hosted_url", message)
            errors["video_file"] = message
        if self.video_file_id and self.video_file.type != "video":
            errors["video_file"] = "Choose a video, not an audio file."
        if self.captions_id:
            captions_error = self.captions_error()
            if captions_error:
                errors["captions"] = captions_error
        if errors:
            raise ValidationError(errors)

    def captions_error(self):
        """Why the chosen captions file cannot be used, or an empty string."""
        document = self.captions
        if document.file_extension.lower() != "vtt":
            return (
                f"“{document.title}” is a .{document.file_extension} file; captions must be a "
                "WebVTT file ending in .vtt."
            )
        try:
            with document.file.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except (OSError, ValueError):
            return f"The captions file “{document.title}” could not be read; upload it again."
        try:
            parse_webvtt(data)
        except WebVTTError as error:
            return f"“{document.title}” is not a valid WebVTT captions file. {error}"
        return ""

    def poster(self):
        return self.thumbnail.get_rendition(POSTER_FILTER) if self.thumbnail else None

    def video_object(self, request, poster):
        """schema.org VideoObject for search engines (JSON-LD)."""
        data = {
            "@context": "https://schema.org",
            "@type": "VideoObject",
            "name": self.title,
            "description": self.summary,
            "uploadDate": self.publication_date.isoformat(),
            "url": self.get_full_url(request),
        }
        if poster is not None:
            data["thumbnailUrl"] = [request.build_absolute_uri(poster.url)]
        if self.duration:
            data["duration"] = self.iso_duration
        hosted = self.hosted_video
        if self.video_file is not None:
            data["contentUrl"] = request.build_absolute_uri(self.video_file.url)
        elif hosted is not None:
            data["embedUrl"] = hosted.embed_url
        return data

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        poster = self.poster()
        context.update(
            poster=poster,
            hosted=self.hosted_video,
            # Free when served: Wagtail's routing leaves the (specific) parent cached on the page.
            gallery=self.get_parent().specific,
            # filter(live=True), not live(): previews read relations from the unsaved form.
            related_divisions=self.related_divisions.filter(live=True).order_by("path"),
            video_object=self.video_object(request, poster),
        )
        return context
