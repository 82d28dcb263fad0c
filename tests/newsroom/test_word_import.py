"""Word import: a .docx becomes a draft release (title, lead, body with headings, lists, a
table, a link and a picture from the media library), with a word about what did not come
over; anything that is not a .docx is refused and nothing is made."""

import io
import re
import zipfile

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from media.models import Image
from newsroom import word_import
from newsroom.checks import publication_problems
from newsroom.models import PressRelease
from newsroom.word_import import convert_docx
from tests.newsroom.word_documents import (
    IMAGE_DESCRIPTION,
    LEAD,
    TITLE,
    png_bytes,
    press_release_docx,
    saved,
    with_footnote_internal_link_and_linked_picture,
)

IMPORT_URL = reverse("admin:newsroom_pressrelease_word_import")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def upload(data: bytes, name: str = "pressemeddelelse.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=DOCX)


def gif_bytes() -> bytes:
    from PIL import Image as PillowImage

    buffer = io.BytesIO()
    PillowImage.new("RGB", (40, 40), (0, 0, 0)).save(buffer, "GIF")
    return buffer.getvalue()


# The conversion ----------------------------------------------------------------------------


def test_title_lead_and_body_from_the_document():
    converted = convert_docx(press_release_docx())

    assert converted.title == TITLE
    assert converted.lead == LEAD
    body = converted.body
    # Word's Heading 2 and 3 stay h2 and h3 under the page's h1 (the title).
    assert "<h2>Baggrund</h2>" in body
    assert "<h3>Hans første opgaver</h3>" in body
    assert "<h1" not in body
    assert "<strong>Aarhus Kommune</strong>" in body
    assert "<em>tyve års</em>" in body
    assert "<ul><li>Ny strategi</li><li>Flere frivillige</li></ul>" in body
    assert "<ol><li>Møde med bestyrelsen</li><li>Tur rundt i landet</li></ol>" in body
    assert '<th scope="col"><p>År</p></th>' in body
    assert "<td><p>1.450</p></td>" in body
    assert '<a href="https://example.org/om-los"' in body
    # Neither the title nor the lead is repeated in the body; empty paragraphs are dropped.
    assert TITLE not in body and LEAD not in body
    assert "<p></p>" not in body and "<p> </p>" not in body
    assert [image.alt_text for image in converted.images] == [IMAGE_DESCRIPTION]


def test_title_style_and_heading_1_sections_start_the_body_at_h2():
    document = Document()
    document.add_heading("Årsrapport 2026", level=0)  # Word's "Title" style
    document.add_paragraph("Et godt år.")
    document.add_heading("Økonomi", level=1)
    document.add_paragraph("Overskud.")
    document.add_heading("Detaljer", level=2)
    document.add_heading("Mere", level=5)

    converted = convert_docx(saved(document))

    assert converted.title == "Årsrapport 2026"
    assert converted.lead == "Et godt år."
    assert "<h2>Økonomi</h2>" in converted.body
    assert "<h3>Detaljer</h3>" in converted.body
    assert "<h4>Mere</h4>" in converted.body  # the site has no deeper heading


def test_without_a_heading_the_first_paragraph_is_the_title():
    document = Document()
    document.add_paragraph("")
    document.add_paragraph("Ny aftale med kommunen")
    document.add_paragraph("Aftalen gælder i tre år.")
    document.add_paragraph("Mere tekst.")

    converted = convert_docx(saved(document))

    assert (converted.title, converted.lead) == (
        "Ny aftale med kommunen",
        "Aftalen gælder i tre år.",
    )
    assert converted.body == "<p>Mere tekst.</p>"
    # Said, so the press officer checks both (found by hand: it happened without a word).
    assert any("ingen Overskrift 1 eller Titel" in str(notice) for notice in converted.notices)


def test_what_did_not_come_over_is_named():
    document = Document()
    document.add_heading("Titel", level=1)
    document.add_paragraph("Indledning.")
    document.add_paragraph("Et citat", style="Intense Quote")  # mapped: no notice
    document.add_paragraph("Fodnote-agtig", style="Caption")  # not mapped: kept as text
    document.add_picture(io.BytesIO(gif_bytes()))
    document.add_picture(io.BytesIO(png_bytes()))  # no description
    table = document.add_table(rows=2, cols=1)
    table.rows[0].cells[0].text = "Uden overskriftsrække"

    converted = convert_docx(saved(document))
    notices = " ".join(converted.notices)

    assert "<blockquote><p>Et citat</p></blockquote>" in converted.body
    assert "“caption”" in notices and "Fodnote-agtig" in converted.body
    assert "Billede 1 kom ikke med: GIF-billeder modtages ikke" in notices
    assert len(converted.images) == 1 and converted.images[0].number == 2
    assert "Billede 2 har ingen beskrivelse i Word" in notices
    assert "En tabel har ingen overskriftsrække" in notices


def test_footnotes_links_within_the_document_and_linked_pictures():
    document = Document()
    document.add_heading("Titel", level=1)
    document.add_paragraph("Indledning.")
    document.add_paragraph("FOOTNOTE")
    document.add_paragraph("INTERNAL")
    document.add_picture(io.BytesIO(png_bytes()))

    converted = convert_docx(with_footnote_internal_link_and_linked_picture(saved(document)))

    # The page keeps no anchors: links to a place in the document become their text, and a
    # footnote its number in the text and a numbered note at the end.
    assert converted.body == (
        "<p>Medlemstallet steg[1]</p><p>Se afsnittet om tal</p>"
        "<ol><li><p>Kilde: Danmarks Statistik. </p></li></ol>"
    )
    # A picture linked from the web is never fetched.
    assert converted.images == []
    assert any("Billede 1 kom ikke med: det er et link" in n for n in converted.notices)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "not_docx"),
        (b"PK\x03\x04" + b"\x00" * 200, "not_docx"),  # a ZIP that breaks off
        (b"", "not_docx"),
    ],
    ids=["pdf", "corrupt-zip", "empty"],
)
def test_what_is_not_a_word_document_is_refused(data, code):
    with pytest.raises(ValidationError) as error:
        convert_docx(data)
    assert error.value.code == code


def test_a_zip_without_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(ValidationError):
        convert_docx(buffer.getvalue())


def test_a_package_that_unpacks_to_too_much_is_refused(monkeypatch):
    # A small ZIP can hold gigabytes of XML (a zip bomb): its stated sizes are checked first.
    monkeypatch.setattr(word_import, "MAX_XML_PART_BYTES", 1000)
    with pytest.raises(ValidationError) as error:
        convert_docx(press_release_docx())
    assert error.value.code == "too_large_unpacked"


def test_a_document_without_text_is_refused():
    document = Document()
    document.add_paragraph("")
    with pytest.raises(ValidationError) as error:
        convert_docx(saved(document))
    assert error.value.code == "no_title"


# Storing the draft ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_picture_the_media_library_cannot_process_is_left_out_and_named(editor, monkeypatch):
    def refuse(**fields):
        raise ValidationError("Billedet kunne ikke behandles.", code="unprocessable")

    monkeypatch.setattr(word_import, "image_create", refuse)
    imported = word_import.create_draft(convert_docx(press_release_docx()), user=editor)

    assert "<img" not in imported.release.body
    assert imported.images == []
    assert "Billede 1 kom ikke med: Billedet kunne ikke behandles." in imported.notices


@pytest.mark.django_db
def test_a_failed_save_leaves_no_picture_behind(editor, monkeypatch):
    deleted = []
    real_delete = word_import.delete_image_files

    def delete(image):
        deleted.append(image.master.name)
        real_delete(image)

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(word_import, "delete_image_files", delete)
    monkeypatch.setattr(PressRelease, "save", fail)
    with pytest.raises(RuntimeError):
        word_import.create_draft(convert_docx(press_release_docx()), user=editor)

    assert not Image.objects.exists()
    assert len(deleted) == 1
    assert not default_storage.exists(deleted[0])


# The admin ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_changelist_offers_the_import(editor_client):
    response = editor_client.get(reverse("admin:newsroom_pressrelease_changelist"))
    assert f'href="{IMPORT_URL}"' in response.content.decode()
    assert "Importér fra Word" in response.content.decode()


@pytest.mark.django_db
def test_an_editor_imports_a_draft_with_its_picture(editor_client, editor):
    response = editor_client.post(IMPORT_URL, {"document": upload(press_release_docx())})

    release = PressRelease.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:newsroom_pressrelease_change", args=[release.pk])
    assert release.status == PressRelease.Status.DRAFT
    assert release.created_by == editor
    assert (release.title, release.lead) == (TITLE, LEAD)
    assert release.slug == "loes-faar-ny-direktoer"
    assert "<h2>Baggrund</h2>" in release.body and "<th" in release.body
    assert "<s>" not in release.body and "droppet" in release.body

    # The picture: in the media library, without a credit, a rendition in the body.
    image = Image.objects.get()
    assert image.credit == ""
    assert image.alt_text == IMAGE_DESCRIPTION
    assert image.title == f"{TITLE} – billede 1"
    source = re.search(r'<img[^>]*src="([^"]+)"', release.body).group(1)
    assert source.startswith("/media/")
    assert source in {rendition.file.url for rendition in image.renditions.all()}
    assert f'alt="{IMAGE_DESCRIPTION}"' in release.body
    # Publishing waits for the credit.
    assert [problem.fix_url for problem in publication_problems(release)] == [
        reverse("admin:media_image_change", args=[image.pk])
    ]

    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(TITLE in message for message in shown)
    lost = next(message for message in shown if "Det kom ikke med" in message)
    assert "gennemstregning (1)" in lost
    credit = next(message for message in shown if "fotografkreditering" in message)
    assert reverse("admin:media_image_change", args=[image.pk]) in credit


@pytest.mark.django_db
def test_the_draft_opens_in_the_editor(editor_client):
    response = editor_client.post(
        IMPORT_URL, {"document": upload(press_release_docx())}, follow=True
    )
    assert response.status_code == 200
    assert response.context["original"].title == TITLE


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("pressemeddelelse.pdf", b"%PDF-1.7\n%%EOF\n"),
        ("pressemeddelelse.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
        ("omdoebt.docx", b"%PDF-1.7\n%%EOF\n"),
        ("ødelagt.docx", b"PK\x03\x04" + b"\x00" * 200),
    ],
    ids=["pdf", "old-doc", "renamed-pdf", "corrupt-zip"],
)
def test_a_file_that_is_not_a_docx_gets_a_form_error(editor_client, name, data):
    response = editor_client.post(IMPORT_URL, {"document": upload(data, name)})

    assert response.status_code == 200
    errors = response.context["form"].errors["document"]
    assert errors and ".docx" in " ".join(errors)
    assert not PressRelease.objects.exists()
    assert not Image.objects.exists()


@pytest.mark.django_db
def test_the_upload_size_limit_applies(editor_client, settings):
    settings.MAX_DOCUMENT_UPLOAD_BYTES = 1000
    response = editor_client.post(IMPORT_URL, {"document": upload(press_release_docx())})
    assert "grænsen" in " ".join(response.context["form"].errors["document"])
    assert not PressRelease.objects.exists()


@pytest.mark.django_db
def test_only_those_who_may_add_releases_may_import(client, django_user_model, publisher):
    staff = django_user_model.objects.create_user("staff", "staff@example.org", "pw")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"document": upload(press_release_docx())}).status_code == 403
    assert not PressRelease.objects.exists()

    client.force_login(publisher)
    assert client.get(IMPORT_URL).status_code == 200


@pytest.mark.django_db
def test_a_picture_from_the_document_becomes_the_press_photo_once_credited(editor_client):
    """Issue 19, item 21: the picture waits in the media library for its credit; the release's
    page offers it as the press photo, and refuses it until the credit is written."""
    from tests.newsroom.test_publishing import form_data

    editor_client.post(IMPORT_URL, {"document": upload(press_release_docx())})
    release = PressRelease.objects.get()
    image = Image.objects.get()
    change_url = reverse("admin:newsroom_pressrelease_change", args=[release.pk])
    page = editor_client.get(change_url).content.decode()
    assert 'name="press_photos_from_body"' in page and f'value="{image.pk}"' in page
    assert "Billeder i brødteksten" in page

    data = form_data(release, press_photos_from_body=[image.pk])
    refused = editor_client.post(change_url, data)
    assert refused.status_code == 200
    assert "har ingen fotografkreditering endnu" in refused.content.decode()
    assert not release.image_links.exists()

    Image.objects.filter(pk=image.pk).update(credit="Ida Foto")
    assert editor_client.post(change_url, data).status_code == 302
    assert [link.image for link in release.image_links.all()] == [image]
    # Once it is the press photo, it is no longer offered.
    release.refresh_from_db()
    page = editor_client.get(change_url).content.decode()
    assert 'name="press_photos_from_body"' not in page
