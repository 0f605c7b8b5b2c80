from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from bostonems_site.blocks import BodyBlock
from bostonems_site.models import BasePage


class StandardPage(BasePage):
    """A plain page of text under the home page: the privacy notice, the accessibility
    statement and the like. Site settings say which ones the footer links to."""

    body = StreamField(BodyBlock(), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("body")]
    search_fields = BasePage.search_fields + [index.SearchField("body")]
    parent_page_types = ["bostonems_site.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = "standard page"
