from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index

from bostonems_site.blocks import LinkBlock, SocialLinkBlock

INTRO_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class SeoMixin:
    """What search engines and link previews read about a page (see templates/includes/
    seo_meta.html and bostonems_site/seo.py). Editors set the title tag and description on the
    Promote tab; page types with a picture offer it as the share image."""

    @property
    def meta_title(self):
        return self.seo_title or self.title

    @property
    def meta_description(self):
        """Editors may write an SEO description on the Promote tab; otherwise use the summary,
        or the start of the introduction on listing pages."""
        if self.search_description or getattr(self, "summary", ""):
            return self.search_description or self.summary
        intro = strip_tags(str(getattr(self, "intro", "") or "")).strip()
        return Truncator(intro).chars(160)

    def get_share_image(self):
        """The Wagtail image shown in link previews; None falls back to the site logo, then to
        the default share image. Page types with a lead picture override this."""
        return None


class BasePage(SeoMixin, Page):
    """Behaviour every public page shares. Concrete page types inherit from this."""

    class Meta:
        abstract = True


class RelatedLink(TranslatableMixin, Orderable):
    """A titled link to a page on this site or to another website, ordered by editors.

    Translatable: a page's translation carries its own copy of each link (same translation_key),
    so wagtail-localize offers the link text for translation and points a chosen page at its
    translation."""

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

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
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
        InlinePanel(
            "related_links",
            label="Home page related links",
            help_text="Links shown only in the home page's side column. Links for every page "
            "belong in Settings → Site settings → Related links.",
        ),
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

    department_name = models.CharField(
        max_length=120,
        default="Boston EMS",
        help_text="Shown in the header, the footer, page titles and search-engine data.",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown beside the department name in the header, and in link previews of "
        "pages without a picture of their own. Best as a square image of at least 512 pixels.",
    )
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
    address = models.TextField(
        default="785 Albany Street\nBoston, MA 02118",
        help_text="Street on the first line; 'City, ST 12345' on the last line.",
    )
    email = models.EmailField(blank=True, default="")
    social_links = StreamField(
        [("link", SocialLinkBlock())],
        blank=True,
        help_text="The department's social media accounts, listed in the footer in this order.",
    )
    related_links = StreamField(
        [("link", LinkBlock())],
        blank=True,
        help_text="Links shown in the footer of every page (e.g. City of Boston).",
    )
    not_found_heading = models.CharField(
        "'Page not found' heading",
        max_length=120,
        default="Page not found",
        help_text="Heading of the page visitors see when an address doesn't exist.",
    )
    not_found_message = models.TextField(
        "'Page not found' message",
        default="The page you asked for isn't here. It may have moved, or the address may be "
        "mistyped. Try a search, or start again from the home page.",
        help_text="Shown under the heading, above a search box and a link to the home page.",
    )
    security_contact = models.CharField(
        max_length=250,
        default="mailto:security@boston.gov",
        help_text="Where people report security problems with this website: a 'mailto:' "
        "address or an https:// web page. Published in /.well-known/security.txt.",
    )

    panels = [
        MultiFieldPanel([FieldPanel("department_name"), FieldPanel("logo")], heading="Identity"),
        MultiFieldPanel(
            [
                FieldPanel("main_phone"),
                FieldPanel("emergency_text"),
                FieldPanel("address"),
                FieldPanel("email"),
            ],
            heading="Contact details",
        ),
        FieldPanel("social_links"),
        FieldPanel("related_links"),
        MultiFieldPanel(
            [FieldPanel("not_found_heading"), FieldPanel("not_found_message")],
            heading="Page not found (404)",
        ),
        FieldPanel("security_contact"),
    ]

    # The header shows the logo on every page: fetch it with the settings, in one query.
    select_related = ["logo"]

    class Meta:
        verbose_name = "Site settings"

    def clean(self):
        super().clean()
        contact = self.security_contact.strip()
        if contact and not contact.startswith(("mailto:", "https://")):
            raise ValidationError(
                {"security_contact": "Start with 'mailto:' (an email) or 'https://' (a page)."}
            )


@register_setting(icon="warning")
class SiteAlert(BaseSiteSetting):
    """A banner at the top of every page, e.g. for a storm or a service disruption. It shows only
    between its start and end times, so it appears and disappears without anyone publishing."""

    INFO = "info"
    URGENT = "urgent"

    enabled = models.BooleanField(
        "Show the alert",
        default=False,
        help_text="Tick to show the alert on every page (between the start and end times).",
    )
    level = models.CharField(
        max_length=10,
        choices=[(INFO, "Information (blue)"), (URGENT, "Urgent (red)")],
        default=INFO,
        help_text="Urgent alerts are red; use them only when people's safety is concerned.",
    )
    title = models.CharField(
        max_length=120,
        blank=True,
        help_text="A short heading, e.g. 'Snow emergency in effect'.",
    )
    message = models.TextField(
        max_length=600, blank=True, help_text="One or two sentences telling visitors what to do."
    )
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Optional: a page with more information…",
    )
    link_url = models.URLField("External address", blank=True, help_text="…or another website.")
    link_text = models.CharField(
        max_length=80, blank=True, help_text="Text of the link, e.g. 'Read the full advisory'."
    )
    starts_at = models.DateTimeField(
        "Start", null=True, blank=True, help_text="Leave blank to show it straight away."
    )
    ends_at = models.DateTimeField(
        "End",
        null=True,
        blank=True,
        help_text="The alert disappears by itself at this time. Leave blank to show it until "
        "you untick 'Show the alert'.",
    )

    panels = [
        FieldPanel("enabled"),
        FieldPanel("level"),
        FieldPanel("title"),
        FieldPanel("message"),
        MultiFieldPanel(
            [PageChooserPanel("link_page"), FieldPanel("link_url"), FieldPanel("link_text")],
            heading="More information (optional)",
        ),
        MultiFieldPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading="When"),
    ]

    class Meta:
        verbose_name = "Site alert"

    def clean(self):
        super().clean()
        errors = {}
        if self.enabled:
            for field in ("title", "message"):
                if not getattr(self, field).strip():
                    errors[field] = "Needed while the alert is switched on."
        if self.link_page_id and self.link_url:
            message = "Choose a page on this site or enter an external address (one of the two)."
            errors["link_page"] = errors["link_url"] = message
        if (self.link_page_id or self.link_url) and not self.link_text.strip():
            errors["link_text"] = "Write the text of the link."
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The end must be after the start."
        if errors:
            raise ValidationError(errors)

    def next_change(self, now=None):
        """When this alert next appears or disappears by itself (None: it won't). Cached pages
        must not outlive that moment (see bostonems_site/page_cache.py)."""
        now = now or timezone.now()
        if not self.enabled:
            return None
        upcoming = [moment for moment in (self.starts_at, self.ends_at) if moment and moment > now]
        return min(upcoming, default=None)

    def is_active(self, now=None):
        now = now or timezone.now()
        return (
            self.enabled
            and bool(self.title and self.message)
            and (self.starts_at is None or self.starts_at <= now)
            and (self.ends_at is None or now < self.ends_at)
        )

    @property
    def link_href(self):
        if self.link_page_id:
            page = self.link_page
            return page.url if page and page.live else ""
        return self.link_url
