"""Life-saving guidance: short pages the public needs on the worst day (when to call 9-1-1,
hands-only CPR, what to tell the dispatcher), written and owned by editors, shown in full on
the text-only site (/lite/, guidance/views.py) and kept for offline reading by the service
worker.

Every guidance page lives under the one GuidanceIndexPage, so a sign-off workflow for clinical
guidance can be assigned to that part of the tree in Wagtail (Settings → Workflows) and covers
every guidance page, present and future; `clinical_guidance` marks the page type for code
that needs to know (e.g. a review that only clinical pages need)."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from bostonems_site.i18n import under_page_in_language
from bostonems_site.models import BasePage
from bostonems_site.visibility import public_pages

# No headings inside a guidance page: on the text-only site each page is a section under its
# own heading, and lists are what step-by-step guidance needs.
GUIDANCE_FEATURES = ["bold", "italic", "ol", "ul", "link"]


class GuidanceIndexPage(BasePage):
    """The list of life-saving guidance pages (one per site, under the home page)."""

    intro = RichTextField(features=GUIDANCE_FEATURES, blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["bostonems_site.HomePage"]
    subpage_types = ["guidance.GuidancePage"]
    max_count = 1

    class Meta:
        verbose_name = "life-saving guidance index"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        pages = public_pages(GuidancePage.objects.all())
        context["guidance_pages"] = under_page_in_language(self, pages, children_only=True)
        return context


class GuidancePage(BasePage):
    """One piece of life-saving guidance, short enough to read during an emergency."""

    always_clinical_guidance = True  # medical advice: the Clinical review workflow

    summary = models.CharField(
        max_length=250,
        help_text="One sentence saying when this guidance applies, shown in lists and searches.",
    )
    body = RichTextField(
        features=GUIDANCE_FEATURES,
        help_text="A few short steps. Lists read best; no headings (the page title is one).",
    )

    content_panels = BasePage.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = BasePage.search_fields + [index.SearchField("body")]
    parent_page_types = ["guidance.GuidanceIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "life-saving guidance page"
