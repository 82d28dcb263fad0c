"""The public copy of an uploaded picture, made one way for every image the site serves.

Press photos (media.services), portraits (people) and logos (organisations) all go through
here: the picture is decoded, turned upright by its EXIF orientation and encoded again by
Pillow with no metadata of the upload's own: no comments (JPEG COM, PNG text), no XMP, no
GPS, no camera serials, no ICC profile, no EXIF thumbnail. Only transparency is kept, which
the pixels need; colours described by an embedded ICC profile are converted to sRGB first,
so dropping the profile changes no colour. Where there is a credit it is written into EXIF
Artist and Copyright (and a caption into ImageDescription), so it travels with the file.

An upload whose EXIF cannot be read at all is refused with its own message
(`broken_metadata`) rather than failing later in processing.
"""

import io
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import ExifTags, ImageCms
from PIL import Image as PillowImage

from common.slugs import DANISH_TRANSLITERATION

EXIF_ARTIST = 0x013B
EXIF_COPYRIGHT = 0x8298
EXIF_IMAGE_DESCRIPTION = 0x010E
_TRANSPOSE = {
    2: PillowImage.Transpose.FLIP_LEFT_RIGHT,
    3: PillowImage.Transpose.ROTATE_180,
    4: PillowImage.Transpose.FLIP_TOP_BOTTOM,
    5: PillowImage.Transpose.TRANSPOSE,
    6: PillowImage.Transpose.ROTATE_270,
    7: PillowImage.Transpose.TRANSVERSE,
    8: PillowImage.Transpose.ROTATE_90,
}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# What Pillow's encoders may read from an image's info: only what the pixels need.
KEPT_INFO = {"transparency"}


# Press officers often type the credit as it is printed ("Foto: Søren Ærtebjerg"); the pages
# and feeds write "Foto: …" themselves, so the typed prefix would show twice.
CREDIT_PREFIX = re.compile(
    r"^\s*(?:(?:foto(?:graf)?|fotografi|photo(?:grapher)?|billede)\s*:|©|\(c\))\s*",
    re.IGNORECASE,
)


def plain_credit(credit: str) -> str:
    """The photographer's name as typed, without a "Foto:" or "©" in front."""
    return CREDIT_PREFIX.sub("", credit or "").strip()


def broken_metadata() -> ValidationError:
    return ValidationError(
        _(
            "The image's metadata (EXIF) is damaged. Open the picture in an image program, "
            "save it as a new file and upload that."
        ),
        code="broken_metadata",
    )


def exif_orientation(image: PillowImage.Image) -> int:
    """The EXIF orientation (1 when there is none); a refusal if the EXIF is unreadable.

    Pillow raises SyntaxError, struct.error, ValueError and others for EXIF blocks that are
    not TIFF data or point outside themselves: whatever it raises is the same answer here.
    """
    try:
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:
        raise broken_metadata() from None
    return orientation if isinstance(orientation, int) else 1


def _in_srgb(image: PillowImage.Image, icc_profile: bytes | None) -> PillowImage.Image:
    """Pixels described by an embedded colour profile (Adobe RGB, Display P3, a CMYK press
    profile) converted to sRGB, so the public file looks right without any profile: the
    profile itself, which can carry text of its own, is not passed on. If the profile cannot
    be used, the pixels stay as they are."""
    if not icc_profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        return ImageCms.profileToProfile(
            image, source, _SRGB, outputMode="RGBA" if image.mode == "RGBA" else "RGB"
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image


def upright_pixels(image: PillowImage.Image) -> PillowImage.Image:
    """The decoded picture, turned upright and in sRGB, with none of the upload's metadata."""
    orientation = exif_orientation(image)
    image.load()
    method = _TRANSPOSE.get(orientation)
    upright = image.transpose(method) if method is not None else image.copy()
    upright = _in_srgb(upright, image.info.get("icc_profile"))
    upright.info = {key: value for key, value in image.info.items() if key in KEPT_INFO}
    return upright


def _exif_ascii(text: str) -> str:
    # EXIF text tags are ASCII: "Møller" becomes "Moeller", not "M?ller".
    text = text.translate(DANISH_TRANSLITERATION)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def credit_exif(credit: str = "", caption: str = "") -> bytes:
    """EXIF with the credit (Artist, Copyright) and caption only; empty without them."""
    exif = PillowImage.Exif()
    if credit:
        exif[EXIF_ARTIST] = _exif_ascii(credit)
        exif[EXIF_COPYRIGHT] = _exif_ascii(f"(c) {credit}")
    if caption:
        exif[EXIF_IMAGE_DESCRIPTION] = _exif_ascii(caption)[:500]
    return exif.tobytes() if len(exif) else b""


def has_alpha(image: PillowImage.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )


EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def encode_public(
    upright: PillowImage.Image, image_format: str, *, credit: str = "", caption: str = ""
) -> bytes:
    """The picture as a public file: JPEG, PNG or WebP, with the credit EXIF and nothing else.

    `upright` comes from upright_pixels; its info is cleared again here, so no encoder can
    carry an upload's comment or XMP over whatever road the image took.
    """
    upright.info = {key: value for key, value in upright.info.items() if key in KEPT_INFO}
    exif = credit_exif(credit, caption)
    buffer = io.BytesIO()
    if image_format == "JPEG":
        upright.convert("RGB").save(buffer, "JPEG", quality=95, optimize=True, exif=exif)
    elif image_format == "PNG":
        if upright.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
            upright = upright.convert("RGBA" if has_alpha(upright) else "RGB")
        upright.save(buffer, "PNG", optimize=True, exif=exif)
    elif image_format == "WEBP":
        mode = "RGBA" if has_alpha(upright) else "RGB"
        upright.convert(mode).save(buffer, "WEBP", quality=90, exif=exif)
    else:
        raise ValueError(f"not a public image format: {image_format}")
    return buffer.getvalue()
