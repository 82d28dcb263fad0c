"""Uploads in a private S3-compatible bucket.

The bucket serves nothing to the public by itself: objects are private, and pages link to this
newsroom's own /media/ address, where the app checks that something public shows the file
(newsroom.files) and only then sends the reader on to a signed URL that works for a few
minutes. A photo of a withdrawn or embargoed release is not fetched from the bucket by anyone
who kept or guessed its address.
"""

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage

SIGNED_URL_SECONDS = 300


class PrivateS3Storage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        """The app's address of the file (what pages, feeds and kept parts print)."""
        return f"{settings.MEDIA_URL}{filepath_to_uri(name)}"

    def signed_url(self, name, expire: int = SIGNED_URL_SECONDS) -> str:
        """A short-lived signed URL of the bucket's, for a reader the app has let through."""
        return super().url(name, expire=expire)
