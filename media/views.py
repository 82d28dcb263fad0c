from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from media.models import Image
from media.services import image_process
from media.validators import validate_image_file

EDITOR_IMAGE_WIDTH = 960


@require_POST
def editor_image_upload(request):
    """CKEditor 5's image upload, routed into the media library.

    The same checks as every other upload (size before decoding, a full decode by Pillow,
    JPEG/PNG/WebP only); the body gets a re-encoded rendition with a random name and no
    metadata, never the uploaded bytes or the uploader's file name.
    """
    if not (request.user.is_active and request.user.is_staff):
        return JsonResponse({"error": {"message": _("Only staff can upload files.")}}, status=403)
    upload = request.FILES.get("upload")
    if upload is None:
        return JsonResponse({"error": {"message": _("No file was sent.")}}, status=400)
    try:
        validate_image_file(upload)
    except ValidationError as error:
        return JsonResponse({"error": {"message": " ".join(error.messages)}}, status=400)
    image = Image(title=upload.name[:200], alt_text="")
    image.file.save(upload.name, upload, save=False)
    image.save()
    image_process(image=image)
    rendition = image.rendition(EDITOR_IMAGE_WIDTH)
    return JsonResponse({"url": rendition.file.url})
