from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image as PillowImage

ALLOWED_IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
ALLOWED_DOCUMENT_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain",
    ".csv": "text/csv",
}


def _check_size(file, limit: int):
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
            code="too_large",
        )


def validate_image_file(file):
    """Size first (before any decoding), then a full decode by Pillow."""
    _check_size(file, settings.MAX_IMAGE_UPLOAD_BYTES)
    file.seek(0)
    try:
        with PillowImage.open(file) as image:
            image_format = image.format
            image.load()
    except PillowImage.DecompressionBombError:
        raise ValidationError(
            _("The image has too many pixels to be processed safely."), code="too_many_pixels"
        ) from None
    except Exception:
        raise ValidationError(
            _("The file is not an image we can read. Upload a JPEG, PNG or WebP file."),
            code="invalid_image",
        ) from None
    finally:
        file.seek(0)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            _("%(format)s images are not accepted. Upload a JPEG, PNG or WebP file.")
            % {"format": image_format},
            code="invalid_format",
        )


def validate_document_file(file):
    from pathlib import PurePath

    _check_size(file, settings.MAX_DOCUMENT_UPLOAD_BYTES)
    extension = PurePath(file.name).suffix.lower()
    if extension not in ALLOWED_DOCUMENT_EXTENSIONS:
        raise ValidationError(
            _("Files of type %(ext)s are not accepted. Allowed: %(allowed)s.")
            % {
                "ext": extension or "?",
                "allowed": ", ".join(sorted(ALLOWED_DOCUMENT_EXTENSIONS)),
            },
            code="invalid_extension",
        )
