"""A published release as a PDF (WeasyPrint), in the release's language: title, lead, body,
press photo with credit, quotes, contact block and "Om" boxes, as the release page has them."""

import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation
from PIL import ImageFile

# Importing WeasyPrint switches on Pillow's LOAD_TRUNCATED_IMAGES for the whole process, which
# would let a damaged upload through the upload checks (common/uploads.py): switched back.
_load_truncated_images = ImageFile.LOAD_TRUNCATED_IMAGES
from weasyprint import HTML  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

ImageFile.LOAD_TRUNCATED_IMAGES = _load_truncated_images


class MediaOnlyFetcher(URLFetcher):
    """Pictures come from our own media storage, read directly; nothing is fetched from the
    network while a PDF is made (a body cannot point the server at another address)."""

    def fetch(self, url, headers=None):
        path = urlsplit(url).path
        site = urlsplit(settings.SITE_URL)
        if urlsplit(url).netloc not in ("", site.netloc) or not path.startswith(settings.MEDIA_URL):
            raise ValueError(f"Only this newsroom's media are used in a PDF, not {url}")
        name = unquote(path.removeprefix(settings.MEDIA_URL))
        with default_storage.open(name, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, headers={"Content-Type": content_type})


def release_pdf(release) -> bytes:
    with translation.override(release.language):
        html = render_to_string(
            "newsroom/pressrelease_pdf.html",
            {"release": release, "SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL},
        )
    return HTML(string=html, base_url=settings.SITE_URL, url_fetcher=MediaOnlyFetcher()).write_pdf()
