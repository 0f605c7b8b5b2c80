from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from bostonems_site.blocks import BodyBlock
from bostonems_site.i18n import in_english_order, under_page_in_language
from bostonems_site.models import INTRO_FEATURES, BasePage, RelatedLink
from bostonems_site.page_image import ImageWithAltText


class DivisionIndexPage(BasePage):
    intro = RichTextField(
        features=INTRO_FEATURES,
        help_text="Shown above the list of divisions. Divisions appear in the order of the "
        "page tree: drag them in the page explorer to reorder.",
    )

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]

    parent_page_types = ["bostonems_site.HomePage"]
    subpage_types = ["divisions.DivisionPage"]
    max_count = 1

    class Meta:
        verbose_name = "division index page"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The method, not its result: the template calls it only when the kept division cards
        # are made again (after a division changes). Building the query on every render cost
        # about a fifth of the page's CPU, for cards that were almost always kept.
        context["divisions"] = self.divisions_for_visitors
        return context

    def divisions_for_visitors(self):
        """Every division, in the page's language where translated (bostonems_site.i18n)."""
        return in_english_order(
            under_page_in_language(self, DivisionPage.objects.all(), children_only=True)
        ).only(*DIVISION_CARD_FIELDS)


# The columns a division card shows (templates/includes/division_cards.html): its icon, title,
# summary and link. Reading every column of every division (the body too) cost more than the
# query on a page listing them all.
DIVISION_CARD_FIELDS = ["title", "url_path", "summary", "icon", "path"]


class DivisionIcon(models.TextChoices):
    """Pictograms for the division cards; each is static/img/icons/<value>.svg."""

    STAR_OF_LIFE = "star-of-life", "Star of Life (any division)"
    AMBULANCE = "ambulance", "Ambulance"
    HEADSET = "headset", "Headset (dispatch)"
    SHIELD = "shield", "Shield (special operations)"
    BOOK = "book", "Open book (training)"
    WRENCH = "wrench", "Wrench (fleet)"
    STETHOSCOPE = "stethoscope", "Stethoscope (medicine)"
    PEOPLE = "people", "People (community)"
    CLIPBOARD = "clipboard", "Checklist (preparedness)"


class DivisionPage(ImageWithAltText, BasePage):
    summary = models.CharField(
        max_length=400,
        help_text="One to three sentences (400 characters at most). Shown on the division cards "
        "and used as the description in search results.",
    )
    icon = models.CharField(
        max_length=20,
        choices=DivisionIcon.choices,
        default=DivisionIcon.STAR_OF_LIFE,
        help_text="Pictogram on the division's card (home page and Divisions page).",
    )
    body = StreamField(BodyBlock(), blank=True)
    phone = models.CharField(max_length=40, blank=True, help_text="e.g. 617-343-2367")
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    hours = models.CharField(max_length=200, blank=True, help_text="e.g. Monday–Friday, 9am–5pm")

    content_panels = BasePage.content_panels + [
        FieldPanel("summary"),
        FieldPanel("icon"),
        ImageWithAltText.image_panel("Hero image: an optional wide photo at the top of the page"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("phone"), FieldPanel("email"), FieldPanel("address"), FieldPanel("hours")],
            heading="Contact details",
        ),
        InlinePanel("related_links", label="Related links"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    parent_page_types = ["divisions.DivisionIndexPage"]
    subpage_types = []

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["related_links"] = self.related_links.select_related("link_page")
        return context


class RelatedDivisionsMixin:
    """For pages with a `related_divisions` field: it holds divisions in the page's own
    language. wagtail-localize copies the field unchanged from the source page when it creates
    or updates a translation, so a Spanish news item would point at the English divisions;
    every save (the admin's and the translation sync's) swaps them for their translations and
    drops those not translated yet."""

    def clean(self):
        super().clean()
        chosen = list(self.related_divisions.all())
        if any(division.locale_id != self.locale_id for division in chosen):
            self.related_divisions = DivisionPage.objects.filter(
                locale_id=self.locale_id,
                translation_key__in=[division.translation_key for division in chosen],
            )


class DivisionPageRelatedLink(RelatedLink):
    page = ParentalKey(DivisionPage, on_delete=models.CASCADE, related_name="related_links")
