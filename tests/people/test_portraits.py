"""Portraits and logos are served as stored, so they are checked and re-encoded on upload."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PillowImage

from organisations.models import Organisation
from people.models import Person

pytestmark = pytest.mark.django_db


def jpeg_with_gps(extra: bytes = b"") -> bytes:
    exif = PillowImage.Exif()
    exif[0x8825] = {1: "N", 2: (55.0, 40.0, 0.0), 3: "E", 4: (12.0, 34.0, 0.0)}
    buffer = io.BytesIO()
    PillowImage.new("RGB", (60, 80), (120, 80, 40)).save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue() + extra


def post_person(client, upload):
    return client.post(
        reverse("admin:people_person_add"),
        {
            "name": "Portræt Person",
            "slug": "",
            "birth_year": "",
            "bio": "",
            "portrait": upload,
            "portrait_credit": "Fotograf",
            "email": "",
            "phone": "",
            "positions-TOTAL_FORMS": "0",
            "positions-INITIAL_FORMS": "0",
        },
    )


def test_portrait_is_stored_without_gps(staff_client):
    response = post_person(staff_client, SimpleUploadedFile("mig.jpg", jpeg_with_gps()))
    assert response.status_code == 302
    person = Person.objects.get()
    with PillowImage.open(person.portrait) as stored:
        assert 0x8825 not in stored.getexif()
        assert stored.size == (60, 80)
    assert "mig" not in person.portrait.name


def test_portrait_with_a_script_appended_is_refused(staff_client):
    upload = SimpleUploadedFile("mig.jpg", jpeg_with_gps(b"<script>alert(1)</script>" * 20))
    response = post_person(staff_client, upload)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Person.objects.count() == 0


def test_logo_svg_is_refused(staff_client):
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>'
    response = staff_client.post(
        reverse("admin:organisations_organisation_add"),
        {
            "name": "Logo Org",
            "short_name": "",
            "slug": "",
            "kind": "other",
            "website": "",
            "logo": SimpleUploadedFile("logo.svg", svg, "image/svg+xml"),
            "about": "",
        },
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Organisation.objects.count() == 0


SECRET_COMMENT = b"uploader-comment: hemmelig kilde, ring 12345678"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="55,40.0N" exif:GPSLongitude="12,34.0E"/></rdf:RDF></x:xmpmeta>'
)


def jpeg_full_of_metadata() -> bytes:
    """A camera-like JPEG: GPS and a camera serial in EXIF, a JPEG comment (COM), XMP."""
    exif = PillowImage.Exif()
    exif[0x8825] = {1: "N", 2: (55.0, 40.0, 0.0), 3: "E", 4: (12.0, 34.0, 0.0)}
    exif[0x013B] = "Uploaderens Kamera"
    exif[0xA431] = "SERIAL-0042"  # BodySerialNumber
    buffer = io.BytesIO()
    PillowImage.new("RGB", (60, 80), (120, 80, 40)).save(
        buffer, "JPEG", exif=exif.tobytes(), comment=SECRET_COMMENT, xmp=XMP
    )
    return buffer.getvalue()


def assert_no_uploaded_metadata(field):
    with field.open("rb"):
        stored = field.read()
    assert SECRET_COMMENT not in stored
    assert b"xmpmeta" not in stored and b"http://ns.adobe.com/xap" not in stored
    assert b"SERIAL-0042" not in stored and b"Uploaderens" not in stored
    with PillowImage.open(io.BytesIO(stored)) as image:
        assert "comment" not in image.info and "xmp" not in image.info
        assert 0x8825 not in image.getexif()
        assert image.getexif().get_ifd(0x8825) == {}
        assert image.size == (60, 80)
        return dict(image.getexif())


def test_item9_portraits_and_logos_keep_no_comment_xmp_or_gps(staff_client):
    upload = jpeg_full_of_metadata()
    assert SECRET_COMMENT in upload and b"xmpmeta" in upload
    response = post_person(staff_client, SimpleUploadedFile("mig.jpg", upload))
    assert response.status_code == 302
    portrait_exif = assert_no_uploaded_metadata(Person.objects.get().portrait)
    # The credit goes with the file, as on press photos.
    assert portrait_exif == {0x013B: "Fotograf", 0x8298: "(c) Fotograf"}
    response = staff_client.post(
        reverse("admin:organisations_organisation_add"),
        {
            "name": "Logo Org",
            "short_name": "",
            "slug": "",
            "kind": "other",
            "website": "",
            "logo": SimpleUploadedFile("logo.jpg", upload),
            "about": "",
        },
    )
    assert response.status_code == 302
    # A logo has no credit field: no EXIF at all.
    assert assert_no_uploaded_metadata(Organisation.objects.get().logo) == {}


def test_item9_a_png_logo_keeps_its_transparency_but_no_text_chunks(staff_client):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET_COMMENT.decode())
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    buffer = io.BytesIO()
    PillowImage.new("RGBA", (40, 20), (0, 0, 0, 0)).save(buffer, "PNG", pnginfo=info)
    response = staff_client.post(
        reverse("admin:organisations_organisation_add"),
        {
            "name": "Gennemsigtig",
            "short_name": "",
            "slug": "",
            "kind": "other",
            "website": "",
            "logo": SimpleUploadedFile("logo.png", buffer.getvalue()),
            "about": "",
        },
    )
    assert response.status_code == 302
    logo = Organisation.objects.get().logo
    with logo.open("rb"):
        stored = logo.read()
    assert SECRET_COMMENT not in stored and b"xmpmeta" not in stored
    with PillowImage.open(io.BytesIO(stored)) as image:
        assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0
        assert not image.text


def test_item9_colours_are_kept_but_the_icc_profile_is_not(staff_client):
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    PillowImage.new("RGB", (60, 80), (200, 40, 40)).save(
        buffer, "JPEG", quality=100, icc_profile=profile, comment=SECRET_COMMENT
    )
    response = post_person(staff_client, SimpleUploadedFile("mig.jpg", buffer.getvalue()))
    assert response.status_code == 302
    portrait = Person.objects.get().portrait
    assert_no_uploaded_metadata(portrait)
    with portrait.open("rb"), PillowImage.open(portrait) as stored:
        assert "icc_profile" not in stored.info
        red, green, blue = stored.convert("RGB").getpixel((30, 40))
        assert abs(red - 200) <= 4 and green <= 45 and blue <= 45
