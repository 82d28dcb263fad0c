"""Which stored files the public may fetch at their /media/ address.

A press photo, its renditions, a portrait and a logo are public only while something public
shows them: a published release (as a press photo or inside its body), a public organisation's
"Om" text, a public person or organisation; or, until the release is out, a live embargo
preview link of its release. A draft's photo, a withdrawn release's, or a revoked preview's is
answered 404 like any address that does not exist. Staff see every file (the admin shows
drafts). Uploads as they came (`images/`) and documents (their own view) are never served here.
"""

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.static import serve

from media.models import Image, Rendition
from newsroom.managers import public_organisations, public_people
from newsroom.middleware import (
    PUBLIC_MAX_AGE,
    mark_public_or_private,
    seconds_until_next_publication,
)
from newsroom.models import PressRelease, PreviewLink
from newsroom.parts import public_state

PUBLIC_MEDIA_FOLDERS = ("photos", "renditions", "portraits", "logos")
# How long a "yes, public" is trusted within one content version (a preview link may expire).
DECISION_SECONDS = 60


def public_file(name: str, version: int | None) -> bool:
    """Whether the public may fetch the stored file `name` ("renditions/ab12.jpg") now.
    `version`: the content version read for this request; decisions are kept under it."""
    folder = name.partition("/")[0]
    if folder not in PUBLIC_MEDIA_FOLDERS:
        return False
    if version is None:
        return _shown_publicly(folder, name) or _in_live_preview(folder, name)
    cache = caches["default"]
    key = f"newsroom-file:{version}:{name}"
    shown = cache.get(key)
    if shown is None:
        shown = _shown_publicly(folder, name)
        cache.set(key, shown, DECISION_SECONDS)
    # A preview's files are asked for by a few journalists: never kept, so a revoked link's
    # files are gone with its next request.
    return shown or _in_live_preview(folder, name)


def _image_of(folder: str, name: str) -> Image | None:
    if folder == "photos":
        return Image.objects.filter(master=name).first()
    if folder == "renditions":
        rendition = Rendition.objects.filter(file=name).select_related("image").first()
        return rendition.image if rendition else None
    return None


def _shown_publicly(folder: str, name: str) -> bool:
    if folder == "portraits":
        return public_people().filter(portrait=name).exists()
    if folder == "logos":
        return public_organisations().filter(logo=name).exists()
    image = _image_of(folder, name)
    if image is None:
        return False
    if PressRelease.objects.published().using_media(image).exists():
        return True
    in_about_text = Q(pk__in=[])
    for stored in image.stored_names():
        in_about_text |= Q(about__contains=stored) | Q(about_en__contains=stored)
    return public_organisations().filter(in_about_text).exists()


def _in_live_preview(folder: str, name: str) -> bool:
    image = _image_of(folder, name)
    if image is None:
        return False
    previewed = PreviewLink.objects.usable().values("release")
    return PressRelease.objects.filter(pk__in=previewed).using_media(image).exists()




def media_file(request, name: str):
    """A file under /media/: 404 unless the public may see it (or staff ask)."""
    user = request.user
    staff = user.is_active and user.is_staff and _verified(request)
    if not staff and not public_file(name, public_state(request).version):
        raise Http404(_("No such file."))
    storage = default_storage
    if hasattr(storage, "signed_url"):
        response = HttpResponseRedirect(storage.signed_url(name))
    elif settings.MEDIA_ACCEL_REDIRECT:
        # nginx sends the file from its `internal` location; the app has only checked.
        response = HttpResponse(content_type=mimetypes.guess_type(name)[0])
        response["X-Accel-Redirect"] = f"{settings.MEDIA_ACCEL_REDIRECT}{quote(name)}"
    else:
        response = serve(request, name, document_root=settings.MEDIA_ROOT)
    response["X-Content-Type-Options"] = "nosniff"
    # Public for as long as a page is (never past the next scheduled release), private for staff.
    max_age = min(PUBLIC_MAX_AGE, seconds_until_next_publication(request))
    mark_public_or_private(request, response, max_age)
    return response


def _verified(request) -> bool:
    if not getattr(settings, "NEWSROOM_REQUIRE_MFA", False):
        return True
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())
