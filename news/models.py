from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from bostonems_site import seo
from bostonems_site.blocks import BodyBlock
from bostonems_site.i18n import under_page_in_language
from bostonems_site.models import INTRO_FEATURES, BasePage, SiteSettings
from bostonems_site.page_image import ImageWithAltText
from bostonems_site.visibility import public_pages
from divisions.forms import RelatedDivisionsPageForm
from divisions.models import RelatedDivisionsMixin
from page_cache.content_generation import vary_cached_page_on


class NewsKind(models.TextChoices):
    NEWS = "news", pgettext_lazy("kind of news item", "News")
    EVENT = "event", _("Event")
    CAREER = "career", _("Career opportunity")
    TRAINING = "training", _("Training opportunity")


# How each kind is named when listing only that kind.
KIND_FILTER_LABELS = {
    NewsKind.NEWS: pgettext_lazy("news filter", "News"),
    NewsKind.EVENT: _("Events"),
    NewsKind.CAREER: _("Career opportunities"),
    NewsKind.TRAINING: _("Training opportunities"),
}


class NewsIndexPage(RoutablePageMixin, BasePage):
    intro = RichTextField(features=INTRO_FEATURES, blank=True, help_text="Shown above the list.")

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]
    parent_page_types = ["bostonems_site.HomePage"]
    subpage_types = ["news.NewsPage"]
    max_count = 1
    per_page = 10

    class Meta:
        verbose_name = "news index page"

    def items(self, kind=None):
        # Every item, in the page's language where translated (bostonems_site.i18n).
        items = under_page_in_language(
            self, NewsPage.objects.all(), children_only=True
        ).select_related("image")
        if kind is None:
            return items.order_by("-date", "-first_published_at")
        items = items.filter(kind=kind)
        if kind == NewsKind.EVENT:
            # Upcoming events soonest first; past events after them, most recent first.
            now = timezone.now()
            upcoming = list(items.filter(event_start__gte=now).order_by("event_start"))
            past = list(items.filter(event_start__lt=now).order_by("-event_start"))
            return upcoming + past
        return items.order_by("-date", "-first_published_at")

    @path("")
    def listing(self, request):
        kind = request.GET.get("kind") or None
        if kind is not None and kind not in NewsKind.values:
            raise Http404("Unknown kind")
        paginator = Paginator(self.items(kind), self.per_page)
        try:
            items = paginator.page(request.GET.get("page", 1))
        except (PageNotAnInteger, EmptyPage) as error:
            raise Http404("No such page") from error
        # "?page=01" is page 1 too: the page cache keeps only the spelling the links use.
        vary_cached_page_on(
            request, kind=kind, page=items.number if "page" in request.GET else None
        )
        return self.render(
            request,
            context_overrides={
                "items": items,
                "page_range": paginator.get_elided_page_range(items.number),
                "kind": kind,
                "kinds": list(KIND_FILTER_LABELS.items()),
            },
        )

    @path("feed/")
    def feed(self, request):
        from .feeds import NewsFeed

        return NewsFeed(self)(request)

    @path("atom/")
    def atom_feed(self, request):
        from .feeds import NewsAtomFeed

        return NewsAtomFeed(self)(request)


class NewsPage(RelatedDivisionsMixin, ImageWithAltText, BasePage):
    date = models.DateField(
        default=timezone.localdate, help_text="Publication date shown to visitors."
    )
    kind = models.CharField(
        max_length=20,
        choices=NewsKind.choices,
        default=NewsKind.NEWS,
        help_text="Decides the listing filter and which subscribers receive it (each newsletter "
        "topic lists the kinds it receives: Subscribers → Interests).",
    )
    summary = models.CharField(
        max_length=300, help_text="One or two sentences for listings, feeds and emails."
    )
    body = StreamField(BodyBlock(), blank=True)
    event_start = models.DateTimeField(null=True, blank=True, help_text="Events only.")
    event_end = models.DateTimeField(null=True, blank=True, help_text="Events only; optional.")
    event_place = models.CharField(
        max_length=250, blank=True, help_text="Events only: where it takes place."
    )
    event_address = models.TextField(
        blank=True,
        help_text="Events only; optional: the street address, with the city on the last line "
        "(e.g. “1 City Hall Square” then “Boston, MA 02201”).",
    )
    related_divisions = ParentalManyToManyField(
        "divisions.DivisionPage", blank=True, related_name="news_items"
    )

    content_panels = BasePage.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("kind")]),
        FieldPanel("summary"),
        ImageWithAltText.image_panel(),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("event_start"), FieldPanel("event_end")]),
                FieldPanel("event_place"),
                FieldPanel("event_address"),
            ],
            heading="Event details",
        ),
        FieldPanel("related_divisions"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("kind"),
        index.FilterField("date"),
    ]
    base_form_class = RelatedDivisionsPageForm
    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "news or event page"

    og_type = "article"

    @property
    def is_event(self):
        return self.kind == NewsKind.EVENT

    def clean(self):
        super().clean()
        errors = {}
        if self.is_event and not self.event_start:
            errors["event_start"] = "An event needs a start date and time."
        if self.is_event and not self.event_place:
            errors["event_place"] = "An event needs a place."
        if self.event_start and self.event_end and self.event_end < self.event_start:
            errors["event_end"] = "The end must be after the start."
        if errors:
            raise ValidationError(errors)

    def structured_data(self, request):
        """schema.org Event or NewsArticle. The department is the author and publisher; the
        image is the one link previews show (the item's own, else the site's)."""
        site_settings = SiteSettings.for_request(request)
        root_url = seo.site_root_url(request)
        department = {
            "@type": "GovernmentOrganization",
            "name": site_settings.department_name,
            "url": root_url + "/",
        }
        image_url, *_ = seo.share_image(self, site_settings, root_url)
        data = {
            "@context": "https://schema.org",
            "name": self.title,
            "url": self.get_full_url(request),
            "description": self.summary,
            "image": [image_url],
        }
        if self.is_event:
            data.update({"@type": "Event", "startDate": seo.iso_datetime(self.event_start)})
            if self.event_end:
                data["endDate"] = seo.iso_datetime(self.event_end)
            # A place name alone is not an address; without a street address the name stands
            # in for one so the Place still carries a PostalAddress.
            address = seo.postal_address(self.event_address or self.event_place)
            data["location"] = {"@type": "Place", "name": self.event_place, "address": address}
            data["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
            data["eventStatus"] = "https://schema.org/EventScheduled"
            data["organizer"] = department
        else:
            data.update(
                {
                    "@type": "NewsArticle",
                    "headline": self.title[:110],
                    "datePublished": self.date.isoformat(),
                    "dateModified": seo.iso_datetime(self.last_published_at or timezone.now()),
                    "author": department,
                    "publisher": department,
                }
            )
        return data

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["structured_data"] = self.structured_data(request)
        context["related_divisions"] = public_pages(self.related_divisions.all())
        return context
