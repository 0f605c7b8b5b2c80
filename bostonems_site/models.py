from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils.html import strip_tags
from django.utils.text import Truncator
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, Site, TranslatableMixin
from wagtail.search import index

from bostonems_site.blocks import LinkBlock, SocialLinkBlock
from bostonems_site.i18n import (
    route_with_english_fallback,
    version_in_language,
)
from bostonems_site.links import link_target_error, link_target_url
from page_cache.fragments import fragments

INTRO_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class SeoMixin:
    """What search engines and link previews read about a page (see templates/includes/
    seo_meta.html and bostonems_site/seo.py). Editors set the title tag and description on the
    Promote tab; page types with a picture offer it as the share image."""

    # Open Graph object type; articles and videos say so, so link previews show them as such.
    og_type = "website"

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

    @property
    def share_image_alt(self):
        """The page's own description of its share image ('' falls back to the image's)."""
        return ""


class BasePage(SeoMixin, Page):
    """Behaviour every public page shares. Concrete page types inherit from this."""

    class Meta:
        abstract = True


class PageOrAddressLink(models.Model):
    """A link to a page on this site or to another website: one of the two, never both."""

    link_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A page on this site…",
    )
    link_url = models.URLField("External address", blank=True, help_text="…or another website.")

    # False where the link itself is optional (a site alert may have none).
    link_required = True

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        message = link_target_error(
            bool(self.link_page_id), bool(self.link_url), self.link_required
        )
        if message:
            raise ValidationError({"link_page": message, "link_url": message})

    @property
    def url(self):
        # A page deleted since (SET_NULL) leaves no id: the link then has no target.
        return link_target_url(self.link_page if self.link_page_id else None, self.link_url)


class RelatedLink(TranslatableMixin, PageOrAddressLink, Orderable):
    """A titled link to a page on this site or to another website, ordered by editors.

    Translatable: a page's translation carries its own copy of each link (same translation_key),
    so wagtail-localize offers the link text for translation and points a chosen page at its
    translation."""

    title = models.CharField(max_length=120, help_text="Link text visitors will see.")

    panels = [
        FieldPanel("title"),
        PageChooserPanel("link_page"),
        FieldPanel("link_url"),
    ]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        abstract = True

    def __str__(self):
        return self.title


class HomePage(BasePage):
    headline = models.CharField(
        max_length=120,
        blank=True,
        help_text="The big heading at the top of the home page: what the department does, in a "
        "few words (the header already shows its name). Blank uses the SEO title.",
    )
    intro = RichTextField(
        features=INTRO_FEATURES,
        help_text="The department introduction at the top of the home page.",
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("headline"),
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

    @property
    def heading(self):
        return self.headline or self.seo_title or self.title

    def route(self, request, path_components):
        return route_with_english_fallback(self, request, path_components, self.route_below)

    def route_below(self, request, path_components):
        """Wagtail's Page.route, with the home page's children (the site's sections) kept per
        content generation (page_cache/fragments.py): every address below the home page goes
        through one of them, and fetching it (then its specific type) cost two queries per
        request. Unknown addresses keep nothing."""
        if not path_components or request is None:
            return super().route(request, path_components)
        slug = path_components[0]

        def fetch():
            try:
                return self.get_children().get(slug=slug).specific
            except Page.DoesNotExist as error:
                raise Http404 from error

        section = fragments.get_or_compute(request, ("home_page_section", self.pk, slug), fetch)
        section._cached_parent_obj = self  # as Page.route does: get_parent() costs no query
        return section.route(request, path_components[1:])

    def get_context(self, request, *args, **kwargs):
        # The division cards, latest news and videos come from their apps' template tags.
        context = super().get_context(request, *args, **kwargs)
        context["related_links"] = self.related_links.select_related("link_page")
        return context


class HomePageRelatedLink(RelatedLink):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="related_links")


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Department details shown in the header and footer of every page, the same in every
    language. Wording that is translated lives in SiteText."""

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
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The privacy notice, linked from the footer of every page (in each language, "
        "its translation when there is one).",
    )
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The accessibility statement, linked from the footer of every page.",
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
                FieldPanel("address"),
                FieldPanel("email"),
            ],
            heading="Contact details",
        ),
        FieldPanel("social_links"),
        MultiFieldPanel(
            [
                PageChooserPanel("privacy_page", "standard_pages.StandardPage"),
                PageChooserPanel("accessibility_page", "standard_pages.StandardPage"),
            ],
            heading="Footer pages",
        ),
        FieldPanel("security_contact"),
    ]

    # Every page shows the logo and links to the footer pages: fetch them with the settings,
    # in one query.
    select_related = ["logo", "privacy_page", "accessibility_page"]

    class Meta:
        verbose_name = "Site settings"

    @classmethod
    def for_request(cls, request):
        """Every page reads the settings: kept per content generation (page_cache/fragments.py)
        instead of one query per request; the copy for this request knows the request, as
        Wagtail's own for_request does (for page URLs)."""
        attribute = cls.get_cache_attr_name()
        if not hasattr(request, attribute):
            site_settings = fragments.get_or_compute(
                request, ("site_settings",), lambda: cls.for_site(Site.find_for_request(request))
            )
            site_settings._request = request
            setattr(request, attribute, site_settings)
        return getattr(request, attribute)

    def clean(self):
        super().clean()
        contact = self.security_contact.strip()
        if contact and not contact.startswith(("mailto:", "https://")):
            raise ValidationError(
                {"security_contact": "Start with 'mailto:' (an email) or 'https://' (a page)."}
            )


class SiteText(TranslatableMixin, models.Model):
    """The wording every page shares (the footer and the 'page not found' page), one per
    language: editors write it in English and translate it with wagtail-localize's Translate
    button, like pages. A language without its own version shows the English one."""

    emergency_text = models.CharField(
        max_length=120,
        default="In an emergency, call 9-1-1",
        help_text="Shown prominently in every page footer; links to 911.",
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

    panels = [
        MultiFieldPanel(
            [FieldPanel("emergency_text"), FieldPanel("related_links")], heading="Footer"
        ),
        MultiFieldPanel(
            [FieldPanel("not_found_heading"), FieldPanel("not_found_message")],
            heading="Page not found (404)",
        ),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = verbose_name_plural = "site-wide text"

    def __str__(self):
        return "Site-wide text"

    def clean(self):
        super().clean()
        others = SiteText.objects.exclude(pk=self.pk)
        if self.locale_id and others.filter(locale_id=self.locale_id).exists():
            raise ValidationError(
                "This language already has its site-wide text: edit that one instead."
            )

    @classmethod
    def for_language(cls, language_code):
        """The version in `language_code`, else the English one, else the defaults (a new
        site before its seed content is loaded). One query."""
        return version_in_language(cls.objects.all(), language_code) or cls()
