from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from media.services import image_create

EDITOR_IMAGE_WIDTH = 960


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": {"message": message}}, status=status)


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
        image = image_create(upload=upload, title=upload.name[:200], alt_text="")
    except ValidationError as error:
        return _error(" ".join(error.messages))
    rendition = image.rendition(EDITOR_IMAGE_WIDTH)
    return JsonResponse({"url": rendition.file.url})
