from django import forms
from wagtail.admin.forms import WagtailAdminPageForm

from divisions.models import DivisionPage


class RelatedDivisionsPageForm(WagtailAdminPageForm):
    """Admin form of every page with a "related divisions" field (news, videos): one checkbox per
    division in the page's own language, in the order of the page tree. A Spanish page links to
    Spanish division pages; offering every language would list each division once per
    translation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("related_divisions")
        if field is not None:
            field.widget = forms.CheckboxSelectMultiple()
            # Set after the widget: the queryset setter hands the choices to the widget.
            field.queryset = DivisionPage.objects.filter(
                locale_id=self.instance.locale_id
            ).order_by("path")
