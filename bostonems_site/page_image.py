"""A page's picture with its text alternative: the division hero, the video thumbnail, the news
image. One set of fields, one check and one rule for the alt text, so every page type treats
people who cannot see the picture the same way.

The rule: a decorative picture has empty alt text (screen readers skip it); otherwise the words
the editor typed for this page, else the description the image has in the image library. Not
the image's title: library titles are file names ("IMG_2031"), not descriptions. A picture
that is neither decorative nor described cannot be saved.
"""

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

ALT_TEXT_MISSING = (
    "Describe what the picture shows for people who can't see it (or give the image a "
    "description in the image library), or tick 'decorative' if it adds nothing to the text."
)


class ImageWithAltText(models.Model):
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        "Alt text",
        max_length=250,
        blank=True,
        help_text="What the picture shows, for people who can't see it. Leave blank to use the "
        "image's description from the image library.",
    )
    image_decorative = models.BooleanField(
        "The picture is decorative",
        default=False,
        help_text="Tick only if the picture adds nothing to the text; screen readers then skip it.",
    )

    class Meta:
        abstract = True

    @classmethod
    def image_panel(cls, heading="Image"):
        return MultiFieldPanel(
            [FieldPanel("image"), FieldPanel("image_alt"), FieldPanel("image_decorative")],
            heading=heading,
        )

    @property
    def image_alt_text(self):
        if self.image is None or self.image_decorative:
            return ""
        return self.image_alt.strip() or (self.image.description or "").strip()

    def clean(self):
        super().clean()
        if self.image_id and not self.image_decorative and not self.image_alt_text:
            raise ValidationError({"image_alt": ALT_TEXT_MISSING})

    def get_share_image(self):
        return self.image

    @property
    def share_image_alt(self):
        return self.image_alt_text
