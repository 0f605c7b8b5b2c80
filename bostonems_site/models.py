from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

INTRO_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class BasePage(Page):
    """Behaviour every public page shares. Concrete page types inherit from this."""

    class Meta:
        abstract = True

    @property
    def meta_description(self):
        """Editors may write an SEO description on the Promote tab; otherwise use the summary."""
        return self.search_description or getattr(self, "summary", "")


class RelatedLink(Orderable):
    """A titled link to a page on this site or to another website, ordered by editors."""

    title = models.CharField(max_length=120, help_text="Link text visitors will see.")
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A page on this site…",
    )
    link_url = models.URLField("External address", blank=True, help_text="…or another website.")

    panels = [
        FieldPanel("title"),
        PageChooserPanel("link_page"),
        FieldPanel("link_url"),
    ]

    class Meta(Orderable.Meta):
        abstract = True

    def clean(self):
        super().clean()
        if bool(self.link_page_id) == bool(self.link_url):
            message = "Choose a page on this site or enter an external address (one of the two)."
            raise ValidationError({"link_page": message, "link_url": message})

    @property
    def url(self):
        """Empty when the chosen page was deleted, so templates can leave the link out."""
        if self.link_page_id:
            return self.link_page.url if self.link_page.live else ""
        return self.link_url


class HomePage(BasePage):
    intro = RichTextField(
        features=INTRO_FEATURES,
        help_text="The department introduction at the top of the home page.",
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("intro"),
        InlinePanel("related_links", label="Related links"),
    ]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    def get_context(self, request, *args, **kwargs):
        from divisions.models import DivisionIndexPage, DivisionPage

        context = super().get_context(request, *args, **kwargs)
        context["division_index"] = DivisionIndexPage.objects.child_of(self).live().first()
        context["divisions"] = DivisionPage.objects.descendant_of(self).live().order_by("path")
        context["related_links"] = self.related_links.select_related("link_page")
        return context


class HomePageRelatedLink(RelatedLink):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="related_links")


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Department details shown in the header and footer of every page."""

    department_name = models.CharField(max_length=120, default="Boston EMS")
    main_phone = models.CharField(
        max_length=40,
        default="617-343-2367",
        help_text="Non-emergency business line, shown in the footer.",
    )
    emergency_text = models.CharField(
        max_length=120,
        default="In an emergency, call 9-1-1",
        help_text="Shown prominently in every page footer; links to 911.",
    )
    address = models.TextField(default="785 Albany Street\nBoston, MA 02118")
    email = models.EmailField(blank=True, default="")

    panels = [
        FieldPanel("department_name"),
        MultiFieldPanel(
            [
                FieldPanel("main_phone"),
                FieldPanel("emergency_text"),
                FieldPanel("address"),
                FieldPanel("email"),
            ],
            heading="Contact details",
        ),
    ]

    class Meta:
        verbose_name = "Site settings"
