import contextlib
import logging
import struct

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from PIL import Image as PillowImage

from common.uploads import validate_image_file
from media.models import Image
from media.services import image_process

EDITOR_IMAGE_WIDTH = 960

logger = logging.getLogger(__name__)


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": {"message": message}}, status=status)


def _delete_files(image: Image):
    """Best effort: the stored upload, the public master and any renditions already written."""
    with contextlib.suppress(DatabaseError):
        for rendition in list(image.renditions.all()) if image.pk else []:
            rendition.file.delete(save=False)
    for field in (image.master, image.file):
        if field:
            with contextlib.suppress(OSError):
                field.delete(save=False)


@require_POST
def editor_image_upload(request):
    """CKEditor 5's image upload, routed into the media library.

    The same checks as every other upload (common.uploads: size before decoding, SVG,
    pixel limit from the header, content matching the file name, a full decode, no data
    after the image); the body gets a re-encoded rendition with a random name and no
    metadata, never the uploaded bytes or the uploader's file name. A refused file answers
    400 with a message CKEditor shows, and nothing is stored.
    """
    # The same right as the media library's image form ("Add image"), not mere staff status.
    user = request.user
    if not (user.is_active and user.is_staff and user.has_perm("media.add_image")):
        return _error(_("You do not have permission to add images."), status=403)
    upload = request.FILES.get("upload")
    if upload is None:
        return _error(_("No file was sent."))
    try:
        validate_image_file(upload)
    except ValidationError as error:
        return _error(" ".join(error.messages))
    image = Image(title=upload.name[:200], alt_text="")
    try:
        with transaction.atomic():
            try:
                image.file.save(upload.name, upload, save=False)
                image.save()
                image_process(image=image)
            except BaseException:
                _delete_files(image)
                raise
    except ValidationError as error:
        return _error(" ".join(error.messages))
    except (
        OSError,
        ValueError,
        SyntaxError,
        struct.error,
        PillowImage.DecompressionBombError,
    ) as error:
        # The upload passed the checks but Pillow still could not re-encode it.
        logger.warning("Editor image upload could not be processed: %r", error)
        return _error(
            _("The image could not be processed. Save it again as a JPEG, PNG or WebP file.")
        )
    rendition = image.rendition(EDITOR_IMAGE_WIDTH)
    return JsonResponse({"url": rendition.file.url})
