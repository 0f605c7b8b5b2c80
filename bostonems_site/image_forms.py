"""The admin's image form (WAGTAILIMAGES_IMAGE_FORM_BASE): an upload the file storage cannot
take is a form error, not an error page.

Wagtail writes the file only while saving the image row, after the form was accepted; a media
folder that is not writable (or an object store that refuses the upload) then ends in a 500
and the editor loses the form. So, before accepting a new file, the form checks that the
storage takes a small file where originals go, and shows a clear error when it does not.
Nothing is saved then: neither the row nor the file.
"""

import logging
import uuid

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from wagtail.images.forms import BaseImageForm

logger = logging.getLogger(__name__)

STORAGE_FAILED = _(
    "The image could not be stored: the site's file storage is not accepting uploads right "
    "now. Nothing was saved. Please try again later, and tell the site administrator if this "
    "keeps happening."
)


class ImageForm(BaseImageForm):
    def clean(self):
        cleaned_data = super().clean()
        if "file" in self.changed_data and cleaned_data.get("file") and not self.storage_writable():
            self.add_error("file", STORAGE_FAILED)
        return cleaned_data

    def storage_writable(self):
        storage = self.instance._meta.get_field("file").storage
        probe = self.instance.get_upload_to(f"upload-check-{uuid.uuid4().hex}.txt")
        try:
            storage.delete(storage.save(probe, ContentFile(b"")))
        except Exception:  # storages raise OSError, or their client library's own errors
            logger.exception("Image upload refused: the file storage does not accept files")
            return False
        return True
