"""Issue 11: a media contact needs a name and a phone number or an e-mail address, not both."""

import pytest
from django.urls import reverse

from media.models import MediaContact
from newsroom.models import ReleaseContact
from tests.factories import MediaContactFactory, PressReleaseFactory

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:media_mediacontact_add")


def contact_form(**values):
    return {
        "name": "",
        "title": "presseansvarlig",
        "phone": "",
        "email": "",
        "is_active": "on",
        "is_listed": "on",
        **values,
    }


def test_a_contact_with_only_an_email_is_saved_and_shown_without_a_phone(staff_client, client):
    response = staff_client.post(
        ADD_URL, contact_form(name="Mette Mail", email="mette@example.org"), follow=True
    )
    assert response.status_code == 200
    contact = MediaContact.objects.get(name="Mette Mail")
    assert contact.phone == ""

    page = client.get(reverse("newsroom:contacts")).content.decode()
    card = page[page.index("Mette Mail") :]
    card = card[: card.index("</li>")]
    assert 'href="mailto:mette@example.org"' in card
    assert "Telefon" not in card and "tel:" not in card

    vcard = client.get(reverse("newsroom:contact-vcard", args=[contact.pk])).content.decode()
    assert "EMAIL;TYPE=INTERNET,WORK:mette@example.org" in vcard
    assert "TEL" not in vcard


def test_a_contact_with_only_a_phone_is_saved(staff_client):
    staff_client.post(ADD_URL, contact_form(name="Per Telefon", phone="+45 70 10 20 30"))
    assert MediaContact.objects.get(name="Per Telefon").email == ""


def test_a_contact_without_phone_and_email_is_refused_at_the_fields(staff_client):
    response = staff_client.post(ADD_URL, contact_form(name="Ingen Vej"))
    assert response.status_code == 200
    assert not MediaContact.objects.filter(name="Ingen Vej").exists()
    html = response.content.decode()
    message = "Angiv et direkte telefonnummer eller en e-mailadresse (eller begge)."
    assert html.count(message) >= 2  # beside the phone field and the e-mail field
    assert 'value="Ingen Vej"' in html  # nothing typed is lost


def test_a_release_names_an_email_only_contact_without_an_empty_phone(client):
    release = PressReleaseFactory(title="Nyhed med mailkontakt", scheduled=True)
    ReleaseContact.objects.create(
        release=release, contact=MediaContactFactory(name="Eva Mail", phone=""), order=0
    )
    release.status = release.Status.PUBLISHED
    release.publish_at = release.publish_at.replace(year=2020)
    release.freeze_record()
    release.save()
    html = client.get(release.get_absolute_url()).content.decode()
    block = html[html.index("Eva Mail") :]
    block = block[: block.index("</p>")]
    assert "mailto:" in block and "Telefon" not in block
    feed = client.get("/feeds/rss/").content.decode()
    assert "Eva Mail" in feed and "tel:" not in feed.split("Eva Mail")[1].split("</p>")[0]
