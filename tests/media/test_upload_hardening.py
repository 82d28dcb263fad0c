"""Hostile uploads: each gets a clear message, a form error or a 400, and nothing is stored."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from PIL import Image as PillowImage
from PIL import ImageFile, PngImagePlugin

from common import uploads as validators
from common.uploads import validate_document_file, validate_image_file
from media.models import Document, Image
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db


# --- files --------------------------------------------------------------------------------


def encoded(image, image_format, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def png_bytes(size=(40, 30)) -> bytes:
    return encoded(PillowImage.new("RGB", size, (0, 120, 200)), "PNG")


def webp_bytes(size=(40, 30)) -> bytes:
    return encoded(PillowImage.new("RGB", size, (0, 120, 200)), "WEBP")


def noise(size=(300, 300)):
    # Noise does not compress: a cut falls in the pixel data, not in the header.
    return PillowImage.effect_noise(size, 80).convert("RGB")


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header_claiming(width: int, height: int) -> bytes:
    """A few hundred bytes whose header claims width × height; the pixel data is not valid.

    If anything decoded it, the answer would be "damaged"; a "too_many_pixels" answer proves
    the size was refused from the header alone.
    """
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content in members.items():
            package.writestr(name, content)
    return buffer.getvalue()


SCRIPT = b"<script>alert(1)</script>"
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)


# --- helpers ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()]


def refusal_code(file_bytes: bytes, name: str) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_image_file(SimpleUploadedFile(name, file_bytes))
    assert caught.value.messages and all(caught.value.messages)
    return caught.value.code


def document_refusal_code(file_bytes: bytes, name: str) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_document_file(SimpleUploadedFile(name, file_bytes))
    assert caught.value.messages and all(caught.value.messages)
    return caught.value.code


def post_image(client, name, file_bytes, **fields):
    data = {
        "title": "Test",
        "alt_text": "Alt",
        "credit": "Fotograf",
        "caption": "",
        "usage_terms": "",
        "file": SimpleUploadedFile(name, file_bytes),
        **fields,
    }
    return client.post(reverse("admin:media_image_add"), data)


def post_editor(client, name, file_bytes):
    upload = SimpleUploadedFile(name, file_bytes)
    return client.post(reverse("editor-image-upload"), {"upload": upload})


def assert_admin_refuses(client, media_root, name, file_bytes) -> str:
    response = post_image(client, name, file_bytes)
    assert response.status_code == 200
    content = response.content.decode()
    assert "errorlist" in content
    assert Image.objects.count() == 0
    assert stored_files(media_root) == []
    return content


def assert_editor_refuses(client, media_root, name, file_bytes) -> str:
    response = post_editor(client, name, file_bytes)
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert message.strip()
    assert Image.objects.count() == 0
    assert stored_files(media_root) == []
    return message


def assert_refused_everywhere(client, media_root, name, file_bytes) -> str:
    assert_admin_refuses(client, media_root, name, file_bytes)
    return assert_editor_refuses(client, media_root, name, file_bytes)


# --- 1. decompression bombs ---------------------------------------------------------------


def test_a_header_claiming_more_pixels_than_the_limit_is_refused_before_decoding():
    # 8000 × 8000 = 64 megapixels: above our 60, below Pillow's own default limit.
    assert refusal_code(png_header_claiming(8000, 8000), "big.png") == "too_many_pixels"


def test_a_header_claiming_a_huge_size_is_refused_before_decoding():
    # 20000 × 20000 = 400 megapixels: Pillow itself refuses it while opening.
    assert refusal_code(png_header_claiming(20000, 20000), "huge.png") == "too_many_pixels"


def test_the_pixel_limit_is_ours_and_explicit(monkeypatch):
    assert validators.MAX_IMAGE_PIXELS == 60_000_000
    monkeypatch.setattr(validators, "MAX_IMAGE_PIXELS", 1_000)
    assert refusal_code(png_bytes((40, 30)), "small.png") == "too_many_pixels"


def test_pillows_decompression_bomb_warning_counts_as_an_error(monkeypatch):
    # 1200 pixels against a Pillow limit of 1000: Pillow only warns (it errs above twice the
    # limit); the warning must refuse the file all the same.
    monkeypatch.setattr(PillowImage, "MAX_IMAGE_PIXELS", 1_000)
    assert refusal_code(png_bytes((40, 30)), "small.png") == "too_many_pixels"


@pytest.mark.parametrize("size", [(8000, 8000), (20000, 20000)])
def test_decompression_bombs_get_a_form_error_and_a_400_never_a_500(staff_client, media_root, size):
    assert_refused_everywhere(staff_client, media_root, "bomb.png", png_header_claiming(*size))


def test_image_processing_enforces_the_pixel_limit_too(monkeypatch):
    from media.services import image_process

    image = Image(alt_text="x")
    image.file.save("a.png", SimpleUploadedFile("a.png", png_bytes()), save=False)
    image.save()
    monkeypatch.setattr(validators, "MAX_IMAGE_PIXELS", 1_000)
    with pytest.raises(ValidationError):
        image_process(image=image)
    assert image.renditions.count() == 0


# --- 2. truncated and corrupt files -------------------------------------------------------


def test_truncated_images_are_never_loaded_silently():
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def truncated_jpeg() -> bytes:
    data = encoded(noise(), "JPEG", quality=95)
    return data[: len(data) // 2]


def truncated_png() -> bytes:
    data = encoded(noise(), "PNG")
    return data[: len(data) * 6 // 10]


def png_with_broken_crc() -> bytes:
    data = bytearray(png_bytes())
    data[-13] ^= 0xFF  # the last byte of the IDAT chunk's CRC, just before IEND
    return bytes(data)


@pytest.mark.parametrize(
    "name, make",
    [("cut.jpg", truncated_jpeg), ("cut.png", truncated_png), ("crc.png", png_with_broken_crc)],
)
def test_truncated_or_corrupt_images_are_refused(name, make):
    assert refusal_code(make(), name) == "damaged"


def test_a_truncated_jpeg_is_refused_even_if_pillow_were_told_to_accept_it(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    assert refusal_code(truncated_jpeg(), "cut.jpg") == "damaged"


@pytest.mark.parametrize(
    "name, make",
    [("cut.jpg", truncated_jpeg), ("cut.png", truncated_png), ("crc.png", png_with_broken_crc)],
)
def test_corrupt_images_get_a_form_error_and_a_400(staff_client, media_root, name, make):
    assert_refused_everywhere(staff_client, media_root, name, make())


# --- 3. content that does not match the file name -----------------------------------------


@pytest.mark.parametrize(
    "name, make",
    [
        ("photo.jpg", png_bytes),
        ("photo.jpeg", webp_bytes),
        ("photo.png", jpeg_bytes),
        ("photo.webp", png_bytes),
    ],
)
def test_content_must_match_the_extension(name, make):
    assert refusal_code(make(), name) == "extension_mismatch"


@pytest.mark.parametrize("name", ["photo", "photo.bmp", "photo.jpg.html", "photo.tif"])
def test_an_unknown_image_extension_is_refused(name):
    assert refusal_code(jpeg_bytes(), name) == "invalid_extension"


@pytest.mark.parametrize("name", ["photo.JPG", "photo.jpeg", "a.Png", "a.webp"])
def test_matching_names_are_accepted(name):
    make = {".jpg": jpeg_bytes, ".jpeg": jpeg_bytes, ".png": png_bytes, ".webp": webp_bytes}
    validate_image_file(SimpleUploadedFile(name, make[name[name.rindex(".") :].lower()]()))


def test_a_png_named_jpg_gets_a_form_error_and_a_400(staff_client, media_root):
    message = assert_refused_everywhere(staff_client, media_root, "photo.jpg", png_bytes())
    assert "PNG" in message and ".jpg" in message


# --- 4. SVG and other files that are not raster images ------------------------------------


@pytest.mark.parametrize("name", ["logo.svg", "logo.png", "logo.jpg"])
def test_svg_is_refused_with_its_own_message(name):
    assert refusal_code(SVG, name) == "svg"
    assert refusal_code(b"  <svg xmlns='http://www.w3.org/2000/svg'/>", name) == "svg"


def test_svg_gets_a_form_error_and_a_400_naming_svg(staff_client, media_root):
    assert_admin_refuses(staff_client, media_root, "logo.svg", SVG)
    assert "SVG" in assert_editor_refuses(staff_client, media_root, "logo.png", SVG)


@pytest.mark.parametrize(
    "name, file_bytes",
    [
        ("page.jpg", b"<!DOCTYPE html><html><body>" + SCRIPT + b"</body></html>"),
        ("doc.png", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"),
        ("archive.jpg", zip_bytes({"a.txt": b"hello"})),
        ("empty.png", b""),
    ],
)
def test_other_non_raster_files_are_refused(staff_client, media_root, name, file_bytes):
    assert refusal_code(file_bytes, name) == "invalid_image"
    assert_editor_refuses(staff_client, media_root, name, file_bytes)


def test_gifar_is_refused():
    gif = encoded(PillowImage.new("RGB", (10, 10)), "GIF")
    gifar = gif + zip_bytes({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\n"})
    assert refusal_code(gifar, "a.gif") == "invalid_format"
    assert refusal_code(gifar, "a.png") == "invalid_format"


# --- 5. polyglots: data after the image ---------------------------------------------------


@pytest.mark.parametrize(
    "name, file_bytes",
    [
        ("a.jpg", jpeg_bytes() + SCRIPT),
        ("a.jpg", jpeg_bytes() + zip_bytes({"evil.html": SCRIPT})),
        # An end marker appended after the script must not pass for the image's own.
        ("a.jpg", jpeg_bytes() + SCRIPT + b"\xff\xd9"),
        ("a.png", png_bytes() + SCRIPT),
        ("a.png", png_bytes() + zip_bytes({"evil.html": SCRIPT})),
        ("a.png", png_bytes() + png_chunk(b"tEXt", SCRIPT)),  # a chunk after IEND
        ("a.webp", webp_bytes() + SCRIPT),
    ],
)
def test_data_after_the_image_is_refused(name, file_bytes):
    assert refusal_code(file_bytes, name) == "trailing_data"


def test_a_polyglot_gets_a_form_error_and_a_400(staff_client, media_root):
    assert_refused_everywhere(staff_client, media_root, "a.jpg", jpeg_bytes() + SCRIPT)


@pytest.mark.parametrize(
    "name, file_bytes",
    [
        ("padded.jpg", jpeg_bytes() + b"\x00" * 300),  # padding some cameras leave
        ("progressive.jpg", encoded(noise((200, 120)), "JPEG", progressive=True)),
        ("restart.jpg", encoded(noise((200, 120)), "JPEG", restart_marker_blocks=1)),
        ("noise.jpg", encoded(noise((200, 120)), "JPEG", quality=100)),
        ("noise.png", encoded(noise((200, 120)), "PNG")),
    ],
)
def test_ordinary_images_are_not_taken_for_polyglots(name, file_bytes):
    validate_image_file(SimpleUploadedFile(name, file_bytes))


def jpeg_with_script_in_its_metadata() -> bytes:
    # A script inside the image's own segments (JPEG comment, XMP), not after its end:
    # the checks accept the file, so the public copies must not carry it.
    return encoded(
        noise((600, 400)),
        "JPEG",
        comment=SCRIPT,
        xmp=b"<x:xmpmeta>" + SCRIPT + b"</x:xmpmeta>",
    )


def png_with_script_in_its_metadata() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    info.add_itxt("XML:com.adobe.xmp", SCRIPT.decode())
    return encoded(noise((600, 400)).convert("RGBA"), "PNG", pnginfo=info)


@pytest.mark.parametrize(
    "name, make",
    [("a.jpg", jpeg_with_script_in_its_metadata), ("a.png", png_with_script_in_its_metadata)],
)
def test_accepted_images_are_only_ever_served_re_encoded(staff_client, name, make):
    upload = make()
    assert SCRIPT in upload
    response = post_image(staff_client, name, upload)
    assert response.status_code == 302
    image = Image.objects.get()
    public = [image.master, *(rendition.file for rendition in image.renditions.all())]
    assert len(public) == 5  # master + JPEG and WebP at 480 and 600 wide
    for field in public:
        with field.open("rb"):
            served = field.read()
        assert served != upload
        assert b"<script" not in served.lower()


def test_the_editor_body_image_is_re_encoded_too(staff_client):
    upload = jpeg_with_script_in_its_metadata()
    response = post_editor(staff_client, "a.jpg", upload)
    assert response.status_code == 200
    rendition = Image.objects.get().rendition(960)
    assert response.json()["url"] == rendition.file.url
    with rendition.file.open("rb"):
        served = rendition.file.read()
    assert served != upload and b"<script" not in served.lower()


def test_an_image_pillow_cannot_re_encode_answers_400_and_leaves_nothing(
    staff_client, media_root, monkeypatch
):
    def fail(*, image):
        image.master.save("m.jpg", SimpleUploadedFile("m.jpg", b"half written"), save=False)
        raise OSError("encoder error -2")

    monkeypatch.setattr("media.services.image_process", fail)
    assert_editor_refuses(staff_client, media_root, "a.jpg", jpeg_bytes())


# --- 6. documents -------------------------------------------------------------------------


def post_document(client, name, file_bytes):
    data = {"title": "Årsrapport", "description": "", "file": SimpleUploadedFile(name, file_bytes)}
    return client.post(reverse("admin:media_document_add"), data)


def assert_document_refused(client, media_root, name, file_bytes):
    response = post_document(client, name, file_bytes)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Document.objects.count() == 0
    assert stored_files(media_root) == []


PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"
DOCX = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text",
                 "META-INF/manifest.xml": b"<manifest/>"})  # fmt: skip


@pytest.mark.parametrize(
    "name, file_bytes",
    [
        ("rapport.pdf", PDF),
        ("RAPPORT.PDF", PDF),
        ("notat.docx", DOCX),
        ("tal.xlsx", DOCX),
        ("slides.pptx", DOCX),
        ("notat.odt", ODT),
        ("notat.txt", "Blåbærgrød og rødgrød med fløde\n".encode()),
        ("tal.csv", "\ufeffnavn;beløb\nÆble;12,50\n".encode()),
    ],
)
def test_real_documents_are_accepted(name, file_bytes):
    validate_document_file(SimpleUploadedFile(name, file_bytes))


def test_a_real_document_is_stored_through_the_admin(staff_client):
    assert post_document(staff_client, "rapport.pdf", PDF).status_code == 302
    assert Document.objects.get().original_name == "rapport.pdf"


@pytest.mark.parametrize(
    "name, file_bytes, code",
    [
        ("rapport.pdf", b"<!DOCTYPE html><html>" + SCRIPT + b"</html>", "content_mismatch"),
        ("rapport.pdf", b"  %PDF-1.7 but not at the start", "content_mismatch"),
        ("rapport.pdf", b"", "content_mismatch"),
        ("notat.docx", b"<html>" + SCRIPT + b"</html>", "content_mismatch"),
        ("notat.docx", zip_bytes({"evil.html": SCRIPT}), "content_mismatch"),
        ("notat.docx", b"PK\x03\x04 but no zip after all", "content_mismatch"),
        ("notat.odt", DOCX, "content_mismatch"),
        ("notat.txt", "Blåbærgrød".encode("cp1252"), "not_utf8"),
        ("tal.csv", b"navn;bel\xf8b\n", "not_utf8"),
        ("notat.txt", b"MZ\x90\x00\x03\x00\x00\x00", "binary_text"),
        ("side.html", b"<html></html>", "invalid_extension"),
        ("logo.svg", SVG, "invalid_extension"),
        ("program.exe", b"MZ", "invalid_extension"),
        ("rapport", PDF, "invalid_extension"),
    ],
)
def test_documents_whose_content_does_not_match_are_refused(name, file_bytes, code):
    assert document_refusal_code(file_bytes, name) == code


def test_html_disguised_as_pdf_gets_a_form_error_and_is_not_stored(staff_client, media_root):
    html = b"<!DOCTYPE html><html><body>" + SCRIPT + b"</body></html>"
    assert_document_refused(staff_client, media_root, "rapport.pdf", html)


# --- 7. size, before anything is decoded --------------------------------------------------


def test_an_oversized_image_is_refused_before_decoding_with_the_limit_named(settings, monkeypatch):
    settings.MAX_IMAGE_UPLOAD_BYTES = 1000

    def must_not_decode(*args, **kwargs):
        raise AssertionError("decoded before the size check")

    monkeypatch.setattr(PillowImage, "open", must_not_decode)
    upload = SimpleUploadedFile("a.jpg", encoded(noise((100, 100)), "JPEG"))
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validate_image_file(upload)
    assert caught.value.code == "too_large"
    with translation.override("en"):
        assert filesizeformat(1000) in caught.value.messages[0]


def test_a_file_larger_than_it_says_is_refused_at_the_limit(settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 1000
    upload = SimpleUploadedFile("a.jpg", encoded(noise((100, 100)), "JPEG"))
    upload.size = 10  # a stated size is not trusted
    with pytest.raises(ValidationError) as caught:
        validate_image_file(upload)
    assert caught.value.code == "too_large"


def test_an_oversized_image_gets_a_400_naming_the_limit(staff_client, media_root, settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 1000
    message = assert_editor_refuses(
        staff_client, media_root, "a.jpg", encoded(noise((100, 100)), "JPEG")
    )
    with translation.override("da"):
        assert filesizeformat(1000) in message


def test_an_oversized_document_is_refused_with_the_limit_named(settings):
    settings.MAX_DOCUMENT_UPLOAD_BYTES = 100
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validate_document_file(SimpleUploadedFile("rapport.pdf", PDF + b" " * 200))
    assert caught.value.code == "too_large"
    with translation.override("en"):
        assert filesizeformat(100) in caught.value.messages[0]


def test_an_oversized_document_gets_a_form_error_and_is_not_stored(
    staff_client, media_root, settings
):
    settings.MAX_DOCUMENT_UPLOAD_BYTES = 100
    assert_document_refused(staff_client, media_root, "rapport.pdf", PDF + b" " * 200)


# --- 7. broken metadata (item 6) ------------------------------------------------------------


def png_with_malformed_exif() -> bytes:
    """A good PNG with an eXIf chunk that is not TIFF data; its CRC is right, so the chunk
    itself passes every check a PNG reader makes."""
    plain = png_bytes()
    idat = plain.index(b"IDAT") - 4
    return plain[:idat] + png_chunk(b"eXIf", b"garbage! not a TIFF header") + plain[idat:]


def webp_with_broken_exif() -> bytes:
    return encoded(PillowImage.new("RGB", (40, 30), (0, 120, 200)), "WEBP", exif=b"garbage!")


def post_portrait(client, name, file_bytes):
    return client.post(
        reverse("admin:people_person_add"),
        {
            "name": "Portræt Person",
            "slug": "",
            "birth_year": "",
            "bio": "",
            "portrait": SimpleUploadedFile(name, file_bytes),
            "portrait_credit": "Fotograf",
            "email": "",
            "phone": "",
            "positions-TOTAL_FORMS": "0",
            "positions-INITIAL_FORMS": "0",
        },
    )


def post_logo(client, name, file_bytes):
    return client.post(
        reverse("admin:organisations_organisation_add"),
        {
            "name": "Logo Org",
            "short_name": "",
            "slug": "",
            "kind": "other",
            "website": "",
            "logo": SimpleUploadedFile(name, file_bytes),
            "about": "",
        },
    )


BROKEN_METADATA_DA = "Billedets metadata (EXIF) er i stykker"


@pytest.mark.parametrize(
    "name, make", [("a.png", png_with_malformed_exif), ("a.webp", webp_with_broken_exif)]
)
def test_item6_png_or_webp_with_malformed_exif_is_a_form_error_on_every_road(
    staff_client, media_root, name, make
):
    from organisations.models import Organisation
    from people.models import Person

    file_bytes = make()
    assert refusal_code(file_bytes, name) == "broken_metadata"
    # The admin's image form.
    assert BROKEN_METADATA_DA in assert_admin_refuses(staff_client, media_root, name, file_bytes)
    # CKEditor's upload.
    assert BROKEN_METADATA_DA in assert_editor_refuses(staff_client, media_root, name, file_bytes)
    # A person's portrait and an organisation's logo.
    for post in (post_portrait, post_logo):
        response = post(staff_client, name, file_bytes)
        assert response.status_code == 200, post
        assert "errorlist" in response.content.decode()
        assert BROKEN_METADATA_DA in response.content.decode()
    assert Person.objects.count() == 0 and Organisation.objects.count() == 0
    assert stored_files(media_root) == []


def test_item6_processing_a_stored_image_with_broken_exif_is_a_clear_error():
    """Images that reach processing by another road than an upload get the same message."""
    from django.core.files.base import ContentFile

    from media.services import image_process

    image = Image(title="x", alt_text="x", credit="x")
    image.file.save("a.png", ContentFile(png_with_malformed_exif()), save=False)
    image.save()
    with pytest.raises(ValidationError) as caught:
        image_process(image=image)
    assert caught.value.code == "broken_metadata"


# --- 8. the upload itself is never public (item 11) ------------------------------------------


def jpeg_with_gps() -> bytes:
    exif = PillowImage.Exif()
    exif[0x8825] = {1: "N", 2: (55.0, 40.0, 0.0), 3: "E", 4: (12.0, 34.0, 0.0)}
    return encoded(noise((200, 100)), "JPEG", exif=exif.tobytes(), comment=b"hemmeligt")


@pytest.mark.urls("tests.media.serve_media_urls")
def test_item11_an_original_with_gps_is_not_fetchable_by_its_url(
    client, staff_client, media_root, django_capture_on_commit_callbacks
):
    upload = jpeg_with_gps()
    with django_capture_on_commit_callbacks(execute=True):
        assert post_image(staff_client, "gps.jpg", upload).status_code == 302
        assert post_editor(staff_client, "gps.jpg", upload).status_code == 200
    # What is left on disk is the stripped masters and renditions: no GPS, no comment.
    files = stored_files(media_root)
    assert {path.relative_to(media_root).parts[0] for path in files} == {"photos", "renditions"}
    for path in files:
        stored = path.read_bytes()
        assert stored != upload and b"hemmeligt" not in stored
        with PillowImage.open(path) as picture:
            assert picture.getexif().get_ifd(0x8825) == {}
    for image in Image.objects.all():
        assert image.file.name == image.master.name
        assert client.get(image.master.url).status_code == 200
    # Nothing outside the public folders is served, even a file someone left there.
    for folder in ("images", "documents"):
        stray = media_root / folder / f"{'a' * 32}.jpg"
        stray.parent.mkdir(parents=True, exist_ok=True)
        stray.write_bytes(upload)
        assert client.get(f"/media/{folder}/{stray.name}").status_code == 404
    assert client.get("/media/photos/../images/" + "a" * 32 + ".jpg").status_code == 404
