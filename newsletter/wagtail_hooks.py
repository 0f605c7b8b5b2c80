"""The "Subscribers" section of the Wagtail admin: "Send an update" (admin_views.py),
subscribers (list with filters, search by email, CSV/XLSX export, inspect, delete) and the
topics visitors can choose.

Who sees it: superusers and the "Newsletter managers" group (newsletter/permissions.py). Page
editors have no newsletter permission, so the menu is hidden and the URLs answer "permission
denied"."""

import django_filters
from django import forms
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import DeleteView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Locale, ModelLogEntry
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from bostonems_site.visibility import is_public
from newsletter.dashboard import NewsletterPanel
from newsletter.models import Interest, Subscriber

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Stop spreadsheet programs from running visitor-entered text as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


class SubscriberPermissionPolicy(ModelPermissionPolicy):
    """Subscribers come only from the double opt-in: nobody (superusers included) adds or edits
    them in the admin. View and delete follow the Django permissions."""

    def user_has_permission(self, user, action):
        if action in ("add", "change"):
            return False
        return super().user_has_permission(user, action)


register_permission_policy(Subscriber, SubscriberPermissionPolicy(Subscriber))


class SubscriberFilterSet(WagtailFilterSet):
    """Choosing a topic lists (and exports) its confirmed subscribers unless another status
    is chosen: the people who would receive an update, not those who left or never
    confirmed. "All" (an explicit value) lists every status."""

    ALL = "all"
    status = django_filters.ChoiceFilter(
        choices=[(ALL, "All"), *Subscriber.Status.choices],
        widget=forms.RadioSelect,
        empty_label=None,
        method="filter_status",
    )
    interests = django_filters.ModelMultipleChoiceFilter(
        queryset=Interest.objects.sources(), widget=forms.CheckboxSelectMultiple, label="Topics"
    )
    created_at = django_filters.DateFromToRangeFilter(
        label="Signed up", widget=DateRangePickerWidget
    )

    class Meta:
        model = Subscriber
        fields = ["status", "interests", "created_at"]

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and data.get("interests") and not data.get("status"):
            data = data.copy()
            data["status"] = Subscriber.Status.CONFIRMED  # shown as chosen in the filters
        super().__init__(data, *args, **kwargs)

    def filter_status(self, queryset, name, value):
        return queryset if value == self.ALL else queryset.filter(status=value)


def local_time(value):
    """A time as the admin shows it (Boston time), in ISO 8601 to the second, with the
    offset: 2026-03-01T09:30:00-05:00. Empty when there is none."""
    if value is None:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


TIME_FIELDS = ("created_at", "confirmed_at", "unsubscribed_at")


class SubscriberIndexView(IndexView):
    custom_field_preprocess = {
        **{
            name: {"csv": spreadsheet_safe}
            for name in ("email", "interest_names", "source", "consent_text")
        },
        **{name: {"csv": local_time, "xlsx": local_time} for name in TIME_FIELDS},
    }

    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("interests")


class SubscriberDeleteView(DeleteView):
    """Deleting is the erasure on request: afterwards the admin's history keeps no trace of
    the address (Wagtail labels log entries with the object's name, here the email)."""

    def delete_action(self):
        pk = self.object.pk
        super().delete_action()
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Subscriber), object_id=str(pk)
        ).update(label=f"Subscriber #{pk} (erased)")


class SubscriberViewSet(ModelViewSet):
    model = Subscriber
    icon = "mail"
    menu_label = "Subscribers"
    add_to_reference_index = False
    index_view_class = SubscriberIndexView
    delete_view_class = SubscriberDeleteView
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["status"]  # required by ModelViewSet; the edit view is never permitted
    list_display = [
        "email",
        Column("status", label="Status", accessor="get_status_display", sort_key="status"),
        Column("interest_names", label="Topics"),
        "created_at",
        "confirmed_at",
    ]
    filterset_class = SubscriberFilterSet
    search_fields = ["email"]
    search_backend_name = None
    ordering = ["-created_at"]
    list_export = [
        "email",
        "get_status_display",
        "interest_names",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "source",
        "language_code",
        "consent_text",
    ]
    export_headings = {
        "email": "Email",
        "get_status_display": "Status",
        "interest_names": "Topics",
        "created_at": "Signed up",
        "confirmed_at": "Confirmed",
        "unsubscribed_at": "Unsubscribed",
        "source": "Signed up on page",
        "language_code": "Language",
        "consent_text": "Consent wording",
    }
    export_filename = "newsletter-subscribers"
    inspect_view_fields = [
        "email",
        "status",
        "interests",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "source",
        "consent_text",
        "language_code",
        "mail_due",
        "mail_requested_at",
        "mail_sent_at",
        "mail_failures",
        "mail_retry_at",
        "mail_error",
    ]

    def get_permissions_to_register(self):
        content_type = ContentType.objects.get_for_model(Subscriber)
        codenames = [get_permission_codename(a, Subscriber._meta) for a in ("view", "delete")]
        return Permission.objects.filter(content_type=content_type, codename__in=codenames)


# --- Topics (Interest): a translatable snippet ------------------------------------------------
# The English topics are the topics: the listing shows them (drag to reorder) unless a language
# is chosen in the Locale filter, new topics are always English, and each has wagtail-localize's
# "Translate" / "Sync translated snippets" buttons. A translation only carries the name.


class InterestAdminForm(WagtailAdminModelForm):
    """Names and codes are unique per language; the database constraint includes the locale,
    which is not a form field, so the form checks it to answer with a message, not an error
    page. A translation's code is the English topic's (synchronised), so it is read-only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.locale_id and not self.instance.is_source and "slug" in self.fields:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = "The English topic's code, the same in every language."
        if self.instance.locale_id and not self.instance.is_source and "news_kinds" in self.fields:
            self.fields["news_kinds"].disabled = True
            self.fields["news_kinds"].help_text = "Set on the English topic."

    def clean(self):
        cleaned = super().clean()
        same_language = Interest.objects.filter(locale_id=self.instance.locale_id).exclude(
            pk=self.instance.pk
        )
        if cleaned.get("name") and same_language.filter(name=cleaned["name"]).exists():
            self.add_error("name", "There is already a topic with this name in this language.")
        slug = cleaned.get("slug")
        if slug and not self.fields["slug"].disabled and same_language.filter(slug=slug).exists():
            self.add_error("slug", "There is already a topic with this code.")
        return cleaned


def _explicit_locale(request):
    return "locale" in request.GET


class InterestIndexView(snippets.IndexView):
    def get_base_queryset(self):
        """The English topics unless the editor picked a language (or "All") in the filter,
        so the list, its order and its drag-and-drop reordering are the topics' own."""
        queryset = super().get_base_queryset()
        if not _explicit_locale(self.request):
            queryset = queryset.filter(locale=Locale.get_default())
        return queryset


class InterestCreateView(snippets.CreateView):
    def get_locale(self):
        # A topic starts in English; other languages are added with "Translate".
        return Locale.get_default()


class InterestReorderView(snippets.ReorderView):
    """Positions count among the English topics only, as the listing shows them."""

    def get_queryset(self):
        return Interest.objects.sources().order_by(self.sort_order_field)

    def post(self, request, *args, **kwargs):
        get_object_or_404(self.get_queryset(), pk=kwargs.get("pk"))
        return super().post(request, *args, **kwargs)


class InterestViewSet(SnippetViewSet):
    model = Interest
    icon = "tag"
    menu_label = "Interests"
    url_prefix = "interests"  # /admin/interests/
    index_view_class = InterestIndexView
    add_view_class = InterestCreateView
    reorder_view_class = InterestReorderView
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["name", "slug", "locale"]
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("slug"), FieldPanel("news_kinds")],
        base_form_class=InterestAdminForm,
    )


class NewsletterViewSetGroup(SnippetViewSetGroup):
    menu_label = "Subscribers"
    menu_icon = "mail"
    menu_order = 250
    items = (SubscriberViewSet("subscribers"), InterestViewSet)
    submenu_hook = "register_newsletter_menu_item"  # "Send an update" joins this submenu


# Registered as a snippet (wagtail-localize's translate actions are for snippets; saving a
# topic also purges the page cache, see page_cache/purge.py).
register_snippet(NewsletterViewSetGroup)


@hooks.register("register_admin_urls")
def register_sending_urls():
    from django.urls import path

    from newsletter import admin_views

    return [
        path("newsletter/send/", admin_views.sendable_pages, name="newsletter_sendable_pages"),
        path("newsletter/send/<int:page_id>/", admin_views.send_page, name="newsletter_send_page"),
        path(
            "newsletter/send/<int:page_id>/preview/",
            admin_views.preview_email,
            name="newsletter_preview_email",
        ),
        path(
            "newsletter/mailings/<int:pk>/", admin_views.mailing_status, name="newsletter_mailing"
        ),
    ]


class SendMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("newsletter.add_mailing")


@hooks.register("register_newsletter_menu_item")
def send_an_update_menu_item():
    """Managers' own way to sending: they cannot open pages in the page explorer."""
    return SendMenuItem(
        "Send an update", reverse("newsletter_sendable_pages"), icon_name="mail", order=0
    )


@hooks.register("register_page_header_buttons")
def send_to_subscribers_button(page, user, view_name, next_url=None):
    from wagtail.admin.widgets import Button

    from newsletter.sending import interest_for

    if user.has_perm("newsletter.add_mailing") and interest_for(page.specific) and is_public(page):
        yield Button(
            "Send to subscribers",
            reverse("newsletter_send_page", args=[page.pk]),
            icon_name="mail",
            priority=90,
        )


@hooks.register("construct_homepage_panels")
def newsletter_panel(request, panels):
    """Subscriber figures are for those who may see the subscribers (Newsletter managers)."""
    if request.user.has_perm("newsletter.view_subscriber"):
        panels.append(NewsletterPanel())
