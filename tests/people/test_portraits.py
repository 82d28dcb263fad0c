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
