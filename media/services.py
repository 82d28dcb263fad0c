"""Work on uploaded media: renditions and stored facts about the file."""

import contextlib
import io
import logging
import struct

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from PIL import Image as PillowImage

from common.generation import content_changed
from common.images import credit_exif as _credit_exif
from common.images import encode_public, has_alpha, upright_pixels
from common.uploads import check_pixel_count, pillow_guard, validate_image_file
from media.models import Document, Image, Rendition

logger = logging.getLogger(__name__)

RENDITION_WIDTHS = (480, 960, 1600)
RENDITION_FORMATS = ("JPEG", "WEBP")


def credit_exif(image: Image) -> bytes:
    """EXIF with the credit and caption only: GPS, camera serials and the rest are dropped."""
    return _credit_exif(image.credit, image.caption)


def _master(image: Image, upright) -> tuple[bytes, str, str]:
    """The public original (common.images): PNG when it has transparency, else JPEG."""
    if has_alpha(upright):
        data = encode_public(upright, "PNG", credit=image.credit, caption=image.caption)
        return data, "image/png", ".png"
    data = encode_public(upright, "JPEG", credit=image.credit, caption=image.caption)
    return data, "image/jpeg", ".jpg"


def _delete_stored(storage, names) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete replaced media file %s", name, exc_info=True)


def image_process(*, image: Image) -> Image:
    """Make the public original (upright, credit in EXIF, no GPS) and the renditions, then
    drop the upload itself: only the stripped master and the renditions stay stored."""
    image.file.open("rb")
    try:
        # The same pixel limit as the upload check, before decoding: also for images that
        # reach this function some other way than through a validated upload.
        with pillow_guard(), PillowImage.open(image.file) as original:
            check_pixel_count(original)
            # Upright, and nothing of the upload's own metadata (common.images): Pillow would
            # otherwise write the upload's JPEG comment (COM), which may hold anything, into
            # every JPEG it saves. An unreadable EXIF is a ValidationError, not a crash.
            upright = upright_pixels(original)
    finally:
        image.file.seek(0)
    master_bytes, image.mime_type, extension = _master(image, upright)
    upright = upright.convert("RGB")
    image.file_size = len(master_bytes)
    image.width, image.height = upright.size
    storage = image.file.storage
    # Files the new ones replace, deleted only once the new ones are committed: the upload
    # itself, the previous master and renditions.
    replaced = {image.file.name, image.master.name}
    replaced.update(rendition.file.name for rendition in image.renditions.all())
    with transaction.atomic():
        image.master.save(f"m{extension}", ContentFile(master_bytes), save=False)
        image.renditions.all().delete()
        widths = sorted({min(w, upright.width) for w in RENDITION_WIDTHS})
        for width in widths:
            resized = upright.copy()
            resized.thumbnail((width, width * 10), PillowImage.Resampling.LANCZOS)
            for image_format in RENDITION_FORMATS:
                buffer = io.BytesIO()
                # No exif= argument: GPS and other metadata are not carried over.
                resized.save(buffer, image_format, quality=85, optimize=True)
                extension = ".jpg" if image_format == "JPEG" else ".webp"
                Rendition.objects.create(
                    image=image,
                    format=image_format,
                    width=resized.width,
                    height=resized.height,
                    file=ContentFile(buffer.getvalue(), name=f"r{extension}"),
                )
        # The upload as it came (GPS, camera serials, comments) is not kept anywhere, so no
        # URL can ever serve it: from here on `file` is the stripped public master too.
        image.file.name = image.master.name
        Image.objects.filter(pk=image.pk).update(
            file=image.file.name,
            master=image.master.name,
            mime_type=image.mime_type,
            file_size=image.file_size,
            width=image.width,
            height=image.height,
        )
        content_changed()
        replaced -= {"", None, image.master.name}
        transaction.on_commit(lambda: _delete_stored(storage, replaced))
    return image


def delete_image_files(image: Image) -> None:
    """Best effort: the stored upload, the public master and any renditions already written."""
    with contextlib.suppress(DatabaseError):
        for rendition in list(image.renditions.all()) if image.pk else []:
            rendition.file.delete(save=False)
    for field in (image.master, image.file):
        if field:
            with contextlib.suppress(OSError):
                field.delete(save=False)


def image_create(*, upload, **fields) -> Image:
    """A media-library image from a file that did not come through the image form (a feed
    import, a picture inside a Word document): the same checks as every upload
    (common.uploads) and the same processing.

    A file that is refused, or that Pillow cannot re-encode after all, raises ValidationError
    and leaves nothing stored. `fields` are the Image's own (title, alt_text, credit, ...).
    """
    validate_image_file(upload)
    upload.seek(0)
    image = Image(**fields)
    try:
        with transaction.atomic():
            try:
                image.file.save(upload.name, upload, save=False)
                image.save()
                image_process(image=image)
            except BaseException:
                delete_image_files(image)
                raise
    except (OSError, ValueError, SyntaxError, struct.error, PillowImage.DecompressionBombError):
        logger.warning("An image passed the checks but could not be processed", exc_info=True)
        raise ValidationError(
            _("The image could not be processed. Save it again as a JPEG, PNG or WebP file."),
            code="unprocessable",
        ) from None
    return image


def document_process(*, document: Document, original_name: str = "") -> Document:
    document.file_size = document.file.size
    if original_name:
        document.original_name = original_name[:255]
    Document.objects.filter(pk=document.pk).update(
        file_size=document.file_size, original_name=document.original_name
    )
    content_changed()
    return document
