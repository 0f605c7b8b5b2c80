"""Drive admin forms the way an editor's browser would: fetch the form as the admin renders it,
change some fields, post it back."""

from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.http import QueryDict
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield


def admin_post_form(admin_client, url, form_id=None):
    """The first POST form on the admin page at `url` (or the one with `form_id`), with its
    current values."""
    response = admin_client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    if form_id is not None:
        return querydict_from_html(html, form_id=form_id)
    forms = BeautifulSoup(html, "html.parser").find_all("form")
    index = next(i for i, form in enumerate(forms) if (form.get("method") or "").lower() == "post")
    return querydict_from_html(html, form_index=index)


def updated(form: QueryDict, **values):
    form = form.copy()
    for name, value in values.items():
        form[name] = value
    return form


def with_streams(form: QueryDict, **streams):
    """StreamField inputs are built by JavaScript in the browser: supply them as an editor's
    browser would post them, e.g. social_links=[("link", {"name": "X", "url": "https://…"})]."""
    form = form.copy()
    data = nested_form_data({name: streamfield(blocks) for name, blocks in streams.items()})
    for key, value in data.items():
        form[key] = value
    return form


def refused(response):
    """Wagtail's answer to an admin page the user may not see: back to the dashboard, told why
    (the last message: a redirect not followed leaves the earlier ones for the dashboard)."""
    messages = [str(message).strip() for message in get_messages(response.wsgi_request)]
    return (response.status_code, response["Location"], messages[-1:]) == (
        302,
        "/admin/",
        ["Sorry, you do not have permission to access this area."],
    )
