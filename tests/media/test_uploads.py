import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PillowImage

from media.models import Image
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db


def post_image(client, upload, **fields):
    data = {
        "title": "Test",
        "alt_text": "Alt",
        "credit": "Fotograf",
        "caption": "",
        "usage_terms": "",
        "file": upload,
        **fields,
    }
    return client.post(reverse("admin:media_image_add"), data)


def test_staff_uploads_a_press_photo_and_renditions_are_made(staff_client):
    response = post_image(
        staff_client, SimpleUploadedFile("Mit Foto.JPG", jpeg_bytes((2000, 1000)))
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.width == 2000 and image.height == 1000
    assert image.file_size > 0 and image.mime_type == "image/jpeg"
    # The uploader's file name never becomes the stored name.
    assert "Mit" not in image.file.name and image.file.name.endswith(".jpg")
    assert sorted((r.format, r.width) for r in image.renditions.all()) == [
        ("JPEG", 480),
        ("JPEG", 960),
        ("JPEG", 1600),
        ("WEBP", 480),
        ("WEBP", 960),
        ("WEBP", 1600),
    ]


def test_a_file_that_is_not_an_image_gets_a_clear_form_error(staff_client):
    upload = SimpleUploadedFile("notes.jpg", b"%PDF-1.4 this is not an image", "image/jpeg")
    response = post_image(staff_client, upload)
    assert response.status_code == 200
    content = response.content.decode()
    assert "errorlist" in content
    assert "ikke et billede" in content  # Django's Danish message, on the file field
    assert Image.objects.count() == 0


def test_a_press_photo_needs_a_credit(staff_client):
    # The media library form requires it, even though body images may go without.
    response = post_image(staff_client, SimpleUploadedFile("a.jpg", jpeg_bytes()), credit="")
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Image.objects.count() == 0


def test_gif_is_refused_with_a_message(staff_client):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (10, 10)).save(buffer, "GIF")
    response = post_image(staff_client, SimpleUploadedFile("a.gif", buffer.getvalue()))
    assert response.status_code == 200
    assert "GIF" in response.content.decode()
    assert Image.objects.count() == 0


def test_oversized_upload_is_refused_before_decoding(staff_client, settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 100
    response = post_image(staff_client, SimpleUploadedFile("a.jpg", jpeg_bytes((300, 300))))
    assert response.status_code == 200
    assert Image.objects.count() == 0


def test_editor_upload_goes_into_the_media_library(staff_client):
    upload = SimpleUploadedFile("Hemmeligt navn.png", png_bytes(), "image/png")
    response = staff_client.post(reverse("editor-image-upload"), {"upload": upload})
    assert response.status_code == 200
    url = response.json()["url"]
    assert url.startswith("/media/renditions/") and "Hemmeligt" not in url
    assert Image.objects.get().renditions.count() == 2


def test_editor_upload_refuses_non_images_with_a_message(staff_client):
    upload = SimpleUploadedFile("x.png", b"not an image at all", "image/png")
    response = staff_client.post(reverse("editor-image-upload"), {"upload": upload})
    assert response.status_code == 400
    assert "billede" in response.json()["error"]["message"]
    assert Image.objects.count() == 0


def test_editor_upload_is_for_staff_only(client, django_user_model):
    upload = SimpleUploadedFile("a.png", png_bytes(), "image/png")
    assert client.post(reverse("editor-image-upload"), {"upload": upload}).status_code == 403
    client.force_login(django_user_model.objects.create_user("reader", password="pw"))
    upload.seek(0)
    assert client.post(reverse("editor-image-upload"), {"upload": upload}).status_code == 403
    assert Image.objects.count() == 0


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, (0, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_with_gps_and_rotation() -> bytes:
    """A 40x20 photo stored sideways (EXIF orientation 6) with a GPS position."""
    exif = PillowImage.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x8825] = {1: "N", 2: (55.0, 40.0, 0.0), 3: "E", 4: (12.0, 34.0, 0.0)}
    buffer = io.BytesIO()
    PillowImage.new("RGB", (40, 20), (10, 200, 10)).save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def test_public_files_are_upright_without_gps_and_carry_the_credit(staff_client):
    upload = SimpleUploadedFile("gps.jpg", jpeg_with_gps_and_rotation(), "image/jpeg")
    post_image(staff_client, upload, credit="Camilla Hey Møller", caption="Et billede")
    image = Image.objects.get()
    assert (image.width, image.height) == (20, 40)  # orientation applied
    with PillowImage.open(image.master) as master:
        exif = master.getexif()
        assert master.size == (20, 40)
        assert exif.get(0x013B) == "Camilla Hey Moeller"
        assert exif.get(0x8298) == "(c) Camilla Hey Moeller"
        assert 0x8825 not in exif and 0x0112 not in exif
    for rendition in image.renditions.all():
        with PillowImage.open(rendition.file) as picture:
            assert 0x8825 not in picture.getexif()
    # The upload itself (with its GPS) is not kept: the file is the stripped master now.
    assert image.master.name == image.file.name


def test_documents_download_as_attachments_only_from_published_releases(client):
    from django.core.files.base import ContentFile

    from media.models import Document
    from tests.factories import PressReleaseFactory

    published = Document(title="Årsrapport 2021")
    published.file.save("rapport.pdf", ContentFile(b"%PDF-1.4 demo"), save=True)
    hidden = Document(title="Hemmelig rapport")
    hidden.file.save("hemmelig.pdf", ContentFile(b"%PDF-1.4 demo"), save=True)
    release = PressReleaseFactory()
    release.documents.add(published)
    PressReleaseFactory(draft=True).documents.add(hidden)
    html = client.get(release.get_absolute_url()).content.decode()
    url = reverse("newsroom:document-download", args=[published.pk])
    assert url in html and published.file.url not in html
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="aarsrapport-2021.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(reverse("newsroom:document-download", args=[hidden.pk])).status_code == 404


def test_item8_staff_without_a_group_cannot_upload_through_the_editor(
    client, django_user_model, editor
):
    """The editor upload asks for the same right as the image form: media.add_image."""
    bare = django_user_model.objects.create_user("bare-staff", password="pw", is_staff=True)
    client.force_login(bare)
    upload = SimpleUploadedFile("a.png", png_bytes(), "image/png")
    response = client.post(reverse("editor-image-upload"), {"upload": upload})
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "Du har ikke ret til at tilføje billeder."
    assert client.get(reverse("admin:media_image_add")).status_code == 403
    # django-ckeditor-5's own upload view (staff only, no finer right) is not routed at all.
    upload.seek(0)
    assert client.post("/ckeditor5/image_upload/", {"upload": upload}).status_code == 404
    assert Image.objects.count() == 0
    # An Editor has the right on both roads.
    client.force_login(editor)
    upload.seek(0)
    assert client.post(reverse("editor-image-upload"), {"upload": upload}).status_code == 200
    assert client.get(reverse("admin:media_image_add")).status_code == 200
    assert Image.objects.count() == 1


@pytest.mark.parametrize(
    "typed",
    [
        "Foto: Søren Ærtebjerg",
        "foto:Søren Ærtebjerg",
        "Fotograf: Søren Ærtebjerg",
        "© Søren Ærtebjerg",
        "Photo: Søren Ærtebjerg",
        "  Søren Ærtebjerg ",
    ],
)
def test_a_credit_typed_with_foto_in_front_is_shown_once(client, typed):
    # Found by hand: the page writes "Foto: …" itself, so "Foto: Foto: Søren Ærtebjerg".
    from tests.factories import ImageFactory, PressReleaseFactory

    photo = ImageFactory(credit=typed)
    assert photo.credit == "Søren Ærtebjerg"
    release = PressReleaseFactory(photos=[photo])
    page = client.get(release.get_absolute_url()).content.decode()
    assert "Foto: Søren Ærtebjerg" in page and "Foto: Foto" not in page


def test_a_credit_that_only_mentions_a_photo_later_is_kept():
    from tests.factories import ImageFactory

    assert ImageFactory(credit="Fotohuset Øst").credit == "Fotohuset Øst"
    assert ImageFactory(credit="Billedbureauet Ritzau Scanpix").credit == (
        "Billedbureauet Ritzau Scanpix"
    )
