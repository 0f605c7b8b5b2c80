"""A document in a private collection is served only to those its privacy lets in: every
document goes through Wagtail's document view, never straight from /media/."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

pytestmark = pytest.mark.django_db
SECRET = b"Staff roster: not for the public."


def document(title, collection, content):
    return get_document_model().objects.create(
        title=title, collection=collection, file=ContentFile(content, name=f"{title}.txt")
    )


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_private_document_is_not_served_to_visitors(client):
    private = Collection.get_first_root_node().add_child(name="Staff only")
    CollectionViewRestriction.objects.create(collection=private, restriction_type="login")
    secret = document("roster", private, SECRET)
    public = document("leaflet", Collection.get_first_root_node(), b"CPR classes every month.")

    through_view = client.get(secret.url)
    assert through_view.status_code == 302 and "/login/" in through_view.url
    assert body(client.get(public.url)) == b"CPR classes every month."

    for address in (
        f"/media/{secret.file.name}",
        f"/media/images/../{secret.file.name}",
        f"/media/./{secret.file.name}",
        f"/media/{public.file.name}",
    ):
        response = client.get(address)
        assert response.status_code == 404, address
        assert SECRET not in body(response), address
