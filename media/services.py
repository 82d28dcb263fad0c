"""Work on uploaded media: renditions and stored facts about the file."""

import io

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image as PillowImage

from common.images import credit_exif as _credit_exif
from common.images import encode_public, has_alpha, upright_pixels
from common.uploads import check_pixel_count, pillow_guard
from media.models import Document, Image, Rendition

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


def image_process(*, image: Image) -> Image:
    """Make the public original (upright, credit in EXIF, no GPS) and the renditions."""
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
    with transaction.atomic():
        if image.master:
            image.master.delete(save=False)
        image.master.save(f"m{extension}", ContentFile(master_bytes), save=False)
        Image.objects.filter(pk=image.pk).update(
            master=image.master.name,
            mime_type=image.mime_type,
            file_size=image.file_size,
            width=image.width,
            height=image.height,
        )
        for rendition in image.renditions.all():
            rendition.file.delete(save=False)
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
    return image


def document_process(*, document: Document, original_name: str = "") -> Document:
    document.file_size = document.file.size
    if original_name:
        document.original_name = original_name[:255]
    Document.objects.filter(pk=document.pk).update(
        file_size=document.file_size, original_name=document.original_name
    )
    return document
