"""Work on uploaded media: renditions and stored facts about the file."""

import io

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image as PillowImage
from PIL import ImageOps

from media.models import Document, Image, Rendition
from media.validators import ALLOWED_IMAGE_FORMATS

RENDITION_WIDTHS = (480, 960, 1600)
RENDITION_FORMATS = ("JPEG", "WEBP")


def image_process(*, image: Image) -> Image:
    """Record size and type of the original and make its renditions (once per upload)."""
    image.file.open("rb")
    try:
        with PillowImage.open(image.file) as original:
            image.mime_type = ALLOWED_IMAGE_FORMATS.get(original.format, "application/octet-stream")
            upright = ImageOps.exif_transpose(original)
            upright = upright.convert("RGB")
    finally:
        image.file.seek(0)
    image.file_size = image.file.size
    image.width, image.height = upright.size
    with transaction.atomic():
        Image.objects.filter(pk=image.pk).update(
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
