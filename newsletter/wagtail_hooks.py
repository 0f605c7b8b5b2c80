"""The "Subscribers" section of the Wagtail admin: subscribers (list with filters, search by
email, CSV/XLSX export, inspect, delete) and the topics visitors can choose.

Who sees it: superusers and the "Newsletter managers" group (newsletter/permissions.py). Page
editors have no newsletter permission, so the menu is hidden and the URLs answer "permission
denied"."""

import django_filters
from django import forms
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.generic import DeleteView, IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import ModelLogEntry
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

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
    status = django_filters.ChoiceFilter(
        choices=Subscriber.Status.choices, widget=forms.RadioSelect, empty_label="All"
    )
    interests = django_filters.ModelMultipleChoiceFilter(
        queryset=Interest.objects.all(), widget=forms.CheckboxSelectMultiple, label="Interests"
    )
    created_at = django_filters.DateFromToRangeFilter(
        label="Signed up", widget=DateRangePickerWidget
    )

    class Meta:
        model = Subscriber
        fields = ["status", "interests", "created_at"]


class SubscriberIndexView(IndexView):
    custom_field_preprocess = {
        name: {"csv": spreadsheet_safe}
        for name in ("email", "interest_names", "source", "consent_text")
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
    list_display = ["email", "get_status_display", "interest_names", "created_at", "confirmed_at"]
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
        "interest_names": "Interests",
        "created_at": "Signed up",
        "confirmed_at": "Confirmed",
        "unsubscribed_at": "Unsubscribed",
        "source": "Source",
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
    ]

    def get_permissions_to_register(self):
        content_type = ContentType.objects.get_for_model(Subscriber)
        codenames = [get_permission_codename(a, Subscriber._meta) for a in ("view", "delete")]
        return Permission.objects.filter(content_type=content_type, codename__in=codenames)


class InterestViewSet(ModelViewSet):
    model = Interest
    icon = "tag"
    menu_label = "Interests"
    copy_view_enabled = False
    form_fields = ["name", "slug"]
    list_display = ["name", "slug"]
    inspect_view_enabled = False


class NewsletterViewSetGroup(ViewSetGroup):
    menu_label = "Subscribers"
    menu_icon = "mail"
    menu_order = 250
    items = (SubscriberViewSet("subscribers"), InterestViewSet("interests"))


@hooks.register("register_admin_viewset")
def register_newsletter_admin():
    return NewsletterViewSetGroup()


@hooks.register("register_admin_urls")
def register_sending_urls():
    from django.urls import path

    from newsletter import admin_views

    return [
        path("newsletter/send/<int:page_id>/", admin_views.send_page, name="newsletter_send_page"),
        path(
            "newsletter/mailings/<int:pk>/", admin_views.mailing_status, name="newsletter_mailing"
        ),
    ]


@hooks.register("register_page_header_buttons")
def send_to_subscribers_button(page, user, view_name, next_url=None):
    from django.urls import reverse
    from wagtail.admin.widgets import Button

    from newsletter.sending import interest_for

    if user.has_perm("newsletter.add_mailing") and page.live and interest_for(page.specific):
        yield Button(
            "Send to subscribers",
            reverse("newsletter_send_page", args=[page.pk]),
            icon_name="mail",
            priority=90,
        )
