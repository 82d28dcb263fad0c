"""Work on uploaded media: renditions and stored facts about the file."""

import io
import unicodedata

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image as PillowImage
from PIL import ImageOps

from common.slugs import DANISH_TRANSLITERATION
from common.uploads import check_pixel_count, pillow_guard
from media.models import Document, Image, Rendition

RENDITION_WIDTHS = (480, 960, 1600)
RENDITION_FORMATS = ("JPEG", "WEBP")
EXIF_ARTIST = 0x013B
EXIF_COPYRIGHT = 0x8298
EXIF_IMAGE_DESCRIPTION = 0x010E


def _exif_ascii(text: str) -> str:
    # EXIF text tags are ASCII: "Møller" becomes "Moeller", not "M?ller".
    text = text.translate(DANISH_TRANSLITERATION)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def credit_exif(image: Image) -> bytes:
    """EXIF with the credit and caption only: GPS, camera serials and the rest are dropped."""
    exif = PillowImage.Exif()
    if image.credit:
        exif[EXIF_ARTIST] = _exif_ascii(image.credit)
        exif[EXIF_COPYRIGHT] = _exif_ascii(f"(c) {image.credit}")
    if image.caption:
        exif[EXIF_IMAGE_DESCRIPTION] = _exif_ascii(image.caption)[:500]
    return exif.tobytes()


def _master(image: Image, upright) -> tuple[bytes, str, str]:
    buffer = io.BytesIO()
    has_alpha = upright.mode in ("RGBA", "LA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    if has_alpha:
        upright.convert("RGBA").save(buffer, "PNG", optimize=True, exif=credit_exif(image))
        return buffer.getvalue(), "image/png", ".png"
    upright.convert("RGB").save(buffer, "JPEG", quality=95, optimize=True, exif=credit_exif(image))
    return buffer.getvalue(), "image/jpeg", ".jpg"


def image_process(*, image: Image) -> Image:
    """Make the public original (upright, credit in EXIF, no GPS) and the renditions."""
    image.file.open("rb")
    try:
        # The same pixel limit as the upload check, before decoding: also for images that
        # reach this function some other way than through a validated upload.
        with pillow_guard(), PillowImage.open(image.file) as original:
            check_pixel_count(original)
            upright = ImageOps.exif_transpose(original)
            upright.load()
    finally:
        image.file.seek(0)
    # Nothing of the upload's own metadata is carried into the public files: Pillow would
    # otherwise write the upload's JPEG comment (COM), which may hold anything, into every
    # JPEG it saves. Only transparency is kept, which the pixels need.
    upright.info = {k: v for k, v in upright.info.items() if k == "transparency"}
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
