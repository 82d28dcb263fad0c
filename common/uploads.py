"""Checks on every upload: a file that fails any of them is refused with a message, not stored.

Images, in this order (cheap checks first, the full decode last):

1. size, before anything is read or decoded;
2. SVG and other XML sniffed from the first bytes and refused with their own message;
3. Pillow opens the file, which reads the header only; the pixel count from that header is
   checked against MAX_IMAGE_PIXELS before any pixel is decoded (decompression bombs), and
   Pillow's own DecompressionBombWarning counts as an error, not only DecompressionBombError;
4. the format allow-list (JPEG, PNG, WebP) and the file name's extension must match the content;
5. a full decode: truncated or corrupt files are refused (ImageFile.LOAD_TRUNCATED_IMAGES is
   never set here, and the end-marker check below refuses a truncated file even if it were);
6. no data after the image's end marker (JPEG EOI, PNG IEND, the WebP RIFF size), so an image
   with HTML, JavaScript or a ZIP appended (a polyglot) is refused.

Whatever passes is still never served as uploaded: media.services re-encodes every public copy.

Documents: size, an extension allow-list and a content check that matches the extension.
"""

import codecs
import contextlib
import io
import re
import warnings
import zipfile
import zlib
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat, floatformat
from django.utils.translation import gettext as _
from PIL import Image as PillowImage

from common.images import EXTENSIONS, encode_public, exif_orientation, upright_pixels

ALLOWED_IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
IMAGE_EXTENSIONS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
# Width × height from the header, checked before decoding: 60 megapixels is more than any
# press photo needs and keeps a decoded RGBA image under about 240 MB of memory.
MAX_IMAGE_PIXELS = 60_000_000
# Bytes some encoders leave after the end marker as padding; anything else there is refused.
HARMLESS_TRAILING_BYTES = b"\x00\xff \t\r\n"

ALLOWED_DOCUMENT_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain",
    ".csv": "text/csv",
}
# Office files are ZIP packages; each kind has a member that every such file holds.
ZIP_DOCUMENT_MEMBERS = {
    ".docx": "[Content_Types].xml",
    ".xlsx": "[Content_Types].xml",
    ".pptx": "[Content_Types].xml",
    ".odt": "META-INF/manifest.xml",
}
TEXT_DOCUMENT_EXTENSIONS = {".txt", ".csv"}
READ_CHUNK = 64 * 1024


def _too_large(size: int, limit: int) -> ValidationError:
    return ValidationError(
        _("The file is %(size)s; the limit is %(limit)s.")
        % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
        code="too_large",
    )


def _check_size(file, limit: int):
    if file.size is not None and file.size > limit:
        raise _too_large(file.size, limit)


def _read_at_most(file, limit: int) -> bytes:
    """The whole file, but never more than `limit` bytes, even if its stated size is wrong."""
    file.seek(0)
    try:
        data = file.read(limit + 1)
    finally:
        file.seek(0)
    if len(data) > limit:
        raise _too_large(len(data), limit)
    return data


def _extension(file) -> str:
    return PurePath(file.name or "").suffix.lower()


@contextlib.contextmanager
def pillow_guard():
    """Pillow's DecompressionBombWarning raised as an error, like DecompressionBombError."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", PillowImage.DecompressionBombWarning)
        yield


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("The image has too many pixels to be processed safely."), code="too_many_pixels"
    )


def check_pixel_count(image):
    """Width × height from the header (Image.open has decoded nothing yet) against the limit."""
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            _(
                "The image is %(width)s × %(height)s pixels; the limit is %(limit)s megapixels. "
                "Make it smaller and upload it again."
            )
            % {
                "width": width,
                "height": height,
                "limit": floatformat(MAX_IMAGE_PIXELS / 1_000_000, -1),
            },
            code="too_many_pixels",
        )


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head.startswith(b"<"):
        return False
    return head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head


# In a JPEG's entropy-coded data, 0xFF is followed by 0x00 (stuffing) or a restart marker;
# any other byte after it starts a real marker.
_JPEG_MARKER_IN_SCAN = re.compile(rb"\xff(?![\x00\xd0-\xd7])")
_JPEG_FILL = re.compile(rb"\xff+")
_JPEG_STANDALONE_MARKERS = {0x01, *range(0xD0, 0xD8)}


def _jpeg_end(data: bytes) -> int | None:
    """Offset just past the EOI marker that ends the image, walking the segments.

    Segment lengths are followed, so an EXIF thumbnail's own EOI is skipped and an EOI
    appended after trailing data cannot pass for the real one. None if there is no EOI.
    """
    if not data.startswith(b"\xff\xd8"):
        return None
    position, length = 2, len(data)
    while position < length:
        fill = _JPEG_FILL.match(data, position)
        if fill is None:
            return None
        position = fill.end()
        if position >= length:
            return None
        marker = data[position]
        position += 1
        if marker == 0xD9:
            return position
        if marker in _JPEG_STANDALONE_MARKERS:
            continue
        if position + 2 > length:
            return None
        segment_end = position + int.from_bytes(data[position : position + 2], "big")
        if segment_end < position + 2 or segment_end > length:
            return None
        position = segment_end
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next marker
            found = _JPEG_MARKER_IN_SCAN.search(data, position)
            if found is None:
                return None
            position = found.start()
    return None


def _png_end(data: bytes) -> int | None:
    """Offset just past the IEND chunk, checking every chunk's CRC on the way."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    position, length = 8, len(data)
    while position + 12 <= length:
        size = int.from_bytes(data[position : position + 4], "big")
        chunk_end = position + 12 + size
        if chunk_end > length:
            return None
        body = data[position + 4 : position + 8 + size]
        if zlib.crc32(body) != int.from_bytes(data[chunk_end - 4 : chunk_end], "big"):
            return None
        position = chunk_end
        if body[:4] == b"IEND":
            return position
    return None


def _webp_end(data: bytes) -> int | None:
    """Offset just past the RIFF container, whose size is in its header."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    size = int.from_bytes(data[4:8], "little")
    end = 8 + size
    if end > len(data):
        return None
    if size % 2 and end < len(data):
        end += 1  # the RIFF pad byte
    return end


_IMAGE_END = {"JPEG": _jpeg_end, "PNG": _png_end, "WEBP": _webp_end}


def _damaged() -> ValidationError:
    return ValidationError(
        _("The image file is damaged or incomplete. Save it again and upload the new copy."),
        code="damaged",
    )


def validate_image_file(file):
    _check_size(file, settings.MAX_IMAGE_UPLOAD_BYTES)  # before anything is read or decoded
    data = _read_at_most(file, settings.MAX_IMAGE_UPLOAD_BYTES)
    if _looks_like_svg(data):
        raise ValidationError(
            _("SVG files are not accepted. Upload the picture as a JPEG, PNG or WebP file."),
            code="svg",
        )
    with pillow_guard():
        try:
            image = PillowImage.open(io.BytesIO(data))  # reads the header only
        except (PillowImage.DecompressionBombError, PillowImage.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except Exception:
            raise ValidationError(
                _("The file is not an image we can read. Upload a JPEG, PNG or WebP file."),
                code="invalid_image",
            ) from None
        with image:
            check_pixel_count(image)
            image_format = image.format
            if image_format not in ALLOWED_IMAGE_FORMATS:
                raise ValidationError(
                    _("%(format)s images are not accepted. Upload a JPEG, PNG or WebP file.")
                    % {"format": image_format},
                    code="invalid_format",
                )
            _check_image_extension(file, image_format)
            try:
                image.load()
            except (PillowImage.DecompressionBombError, PillowImage.DecompressionBombWarning):
                raise _too_many_pixels() from None
            except Exception:
                raise _damaged() from None
            # Processing reads the EXIF orientation: an EXIF block Pillow cannot parse (a PNG
            # eXIf chunk or WebP EXIF that is not TIFF data) is refused here, not a 500 later.
            exif_orientation(image)
    end = _IMAGE_END[image_format](data)
    if end is None:
        raise _damaged()
    if data[end:].strip(HARMLESS_TRAILING_BYTES):
        raise ValidationError(
            _(
                "The file contains extra data after the image. Open the picture in an image "
                "program, save it as a new file and upload that."
            ),
            code="trailing_data",
        )


def _check_image_extension(file, image_format: str):
    extension = _extension(file)
    expected = IMAGE_EXTENSIONS.get(extension)
    if expected is None:
        raise ValidationError(
            _("The file name must end in %(allowed)s.") % {"allowed": ", ".join(IMAGE_EXTENSIONS)},
            code="invalid_extension",
        )
    if expected != image_format:
        raise ValidationError(
            _(
                "The file's content does not match its name: it is a %(format)s image, "
                "but the name ends in %(ext)s."
            )
            % {"format": image_format, "ext": extension},
            code="extension_mismatch",
        )


def validate_document_file(file):
    _check_size(file, settings.MAX_DOCUMENT_UPLOAD_BYTES)
    extension = _extension(file)
    if extension not in ALLOWED_DOCUMENT_EXTENSIONS:
        raise ValidationError(
            _("Files of type %(ext)s are not accepted. Allowed: %(allowed)s.")
            % {
                "ext": extension or "?",
                "allowed": ", ".join(sorted(ALLOWED_DOCUMENT_EXTENSIONS)),
            },
            code="invalid_extension",
        )
    try:
        if extension in TEXT_DOCUMENT_EXTENSIONS:
            _check_text(file, settings.MAX_DOCUMENT_UPLOAD_BYTES)
            return
        file.seek(0)
        head = file.read(8)
        if extension == ".pdf":
            matches = head.startswith(b"%PDF-")
        else:
            matches = head.startswith(b"PK\x03\x04") and _zip_has_member(
                file, ZIP_DOCUMENT_MEMBERS[extension]
            )
    finally:
        file.seek(0)
    if not matches:
        raise ValidationError(
            _("The file's content does not match its name: it is not a real %(ext)s file.")
            % {"ext": extension},
            code="content_mismatch",
        )


def _zip_has_member(file, member: str) -> bool:
    """Reads the ZIP's central directory only: nothing is decompressed."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as package:
            return member in package.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return False


def _check_text(file, limit: int):
    decoder = codecs.getincrementaldecoder("utf-8")()
    read = 0
    file.seek(0)
    try:
        while chunk := file.read(READ_CHUNK):
            read += len(chunk)
            if read > limit:
                raise _too_large(read, limit)
            if b"\x00" in chunk:
                raise ValidationError(
                    _("The file contains binary data, so it is not a text file."),
                    code="binary_text",
                )
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ValidationError(
            _(
                "The text file is not saved as UTF-8. Save it as UTF-8 (in Excel: "
                "“CSV UTF-8”) and upload it again."
            ),
            code="not_utf8",
        ) from None


def reencoded_image(file, *, credit: str = "") -> ContentFile:
    """A checked upload made into a public file the way press photos are (common.images):
    upright, re-encoded in its own format, none of the upload's metadata (GPS, comments, XMP)
    nor any bytes it carried besides the picture; the credit, if any, in EXIF Artist/Copyright.

    For pictures served as they are stored (portraits, logos).
    """
    validate_image_file(file)
    file.seek(0)
    with pillow_guard(), PillowImage.open(file) as original:
        image_format = original.format
        upright = upright_pixels(original)
    data = encode_public(upright, image_format, credit=credit)
    name = PurePath(file.name).with_suffix(EXTENSIONS[image_format]).name
    return ContentFile(data, name=name)
