"""Media lists as a press office keeps them: spreadsheets in, suppression, personal data."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from newsroom.models import PreviewLink, Subscription
from outreach import gdpr
from outreach.bounces import apply, read_report
from outreach.contacts_import import ImportRefused, import_contacts
from outreach.models import Contact, MediaList, Suppression, email_hash
from tests.factories import PressReleaseFactory, TopicFactory

pytestmark = pytest.mark.django_db

DANISH_SHEET = (
    "Navn;E-mail;Medie;Sprog;Emner;Telefon\r\n"
    "Jens Ærø Østergård;Jens@Avisen.dk;Avisen Ålborg;dansk;Ældre, Handicap;+45 12 34 56 78\r\n"
    "Sara Berg;sara@radio.dk;Radio Syd;;;\r\n"
)
ENGLISH_SHEET = "name,email,outlet,language,topics\nAnna Smith,anna@wire.example,The Wire,en,Care\n"


def test_a_danish_sheet_in_windows_1252_with_semicolons(db):
    TopicFactory(name="Ældre")
    report = import_contacts(DANISH_SHEET.encode("cp1252"), "Dagblade")
    assert report.added == ["jens@avisen.dk", "sara@radio.dk"] and not report.skipped
    jens = Contact.objects.get(email="jens@avisen.dk")
    assert jens.name == "Jens Ærø Østergård" and jens.outlet == "Avisen Ålborg"
    assert jens.phone == "+45 12 34 56 78" and jens.language == "da"
    assert [topic.name for topic in jens.topics.all()] == ["Ældre"]
    assert jens.beats == "Ældre, Handicap"
    assert list(jens.lists.values_list("name", flat=True)) == ["Dagblade"]


@pytest.mark.parametrize(
    "encoded",
    [
        ENGLISH_SHEET.encode("utf-8"),
        b"\xef\xbb\xbf" + ENGLISH_SHEET.encode("utf-8"),
        ENGLISH_SHEET.replace(",", "\t").encode("utf-16"),
    ],
    ids=["utf-8", "utf-8 with BOM", "utf-16 tabs"],
)
def test_english_headers_utf8_with_or_without_bom_commas(encoded):
    report = import_contacts(encoded, "International")
    assert report.added == ["anna@wire.example"]
    anna = Contact.objects.get()
    assert (anna.name, anna.outlet, anna.language) == ("Anna Smith", "The Wire", "en")


def test_the_same_address_is_the_same_journalist_and_is_updated(db):
    import_contacts(DANISH_SHEET.encode(), "Dagblade")
    again = "navn;e-mail;medie\nJens Østergård;JENS@avisen.dk;Avisen Aarhus\n"
    report = import_contacts(again.encode(), "Regionale")
    assert report.updated == ["jens@avisen.dk"] and not report.added
    jens = Contact.objects.get(email="jens@avisen.dk")
    assert jens.outlet == "Avisen Aarhus"
    assert jens.phone == "+45 12 34 56 78"  # an empty cell keeps what is held
    assert set(jens.lists.values_list("name", flat=True)) == {"Dagblade", "Regionale"}
    assert Contact.objects.count() == 2


def test_a_bad_row_is_named_and_nothing_is_imported(db):
    sheet = DANISH_SHEET + "Uden Adresse;;Medie;;;\r\nForkert;ikke-en-adresse;Medie;;;\r\n"
    with pytest.raises(ImportRefused) as refused:
        import_contacts(sheet.encode(), "Dagblade")
    assert refused.value.problems == [
        "Række 4: ingen e-mailadresse.",
        "Række 5: “ikke-en-adresse” er ikke en e-mailadresse.",
    ]
    assert not Contact.objects.exists() and not MediaList.objects.exists()


def test_a_sheet_without_the_needed_columns_says_which_are_missing(db):
    with pytest.raises(ImportRefused) as refused:
        import_contacts(b"Fornavn;Adresse\nJens;x@y.dk\n", "Dagblade")
    assert "mangler: e-mail, navn/name" in refused.value.problems[0]


def test_suppressed_addresses_never_come_back_with_the_same_sheet(db):
    import_contacts(DANISH_SHEET.encode(), "Dagblade")
    Suppression.suppress("sara@radio.dk", Suppression.Reason.UNSUBSCRIBED)
    gdpr.erase("jens@avisen.dk")
    assert not Contact.objects.filter(email="jens@avisen.dk").exists()
    report = import_contacts(DANISH_SHEET.encode(), "Dagblade")
    assert not report.added and not report.updated
    assert report.skipped == [
        "række 2 (jens@avisen.dk): slettet efter anmodning; får ingen udsendelser.",
        "række 3 (sara@radio.dk): afmeldt; får ingen udsendelser.",
    ]
    assert not Contact.objects.filter(email="jens@avisen.dk").exists()
    # Only a hash is kept of the erased address.
    assert Suppression.objects.get(email_hash=email_hash("jens@avisen.dk")).reason == "erased"
    assert "jens" not in json.dumps(list(Suppression.objects.values()), default=str)


def test_the_command_imports_with_a_dry_run_first(tmp_path):
    sheet = tmp_path / "kontakter.csv"
    sheet.write_bytes(DANISH_SHEET.encode("cp1252"))
    out = io.StringIO()
    call_command("import_contacts", str(sheet), "--list", "Dagblade", "--dry-run", stdout=out)
    assert "Prøvekørsel: intet er gemt." in out.getvalue()
    assert "2 tilføjet, 0 opdateret, 0 sprunget over" in out.getvalue()
    assert not Contact.objects.exists()
    call_command("import_contacts", str(sheet), "--list", "Dagblade", stdout=io.StringIO())
    assert Contact.objects.count() == 2
    assert Contact.objects.get(email="sara@radio.dk").source == "Import: kontakter.csv"
    bad = tmp_path / "bad.csv"
    bad.write_text("navn;e-mail\nJens;nej\n")
    with pytest.raises(CommandError, match="Række 2: “nej” er ikke en e-mailadresse"):
        call_command("import_contacts", str(bad), "--list", "Dagblade")


def test_staff_import_a_sheet_in_the_admin(publisher_client):
    media_list = MediaList.objects.create(name="Fagblade")
    url = reverse("admin:outreach_medialist_import", args=[media_list.pk])
    page = publisher_client.get(url)
    assert page.status_code == 200
    sheet = io.BytesIO(DANISH_SHEET.encode("cp1252"))
    sheet.name = "kontakter.csv"
    preview = publisher_client.post(url, {"file": sheet, "dry_run": "on"})
    assert "2 tilføjet" in preview.content.decode()
    assert not Contact.objects.exists()
    sheet.seek(0)
    done = publisher_client.post(url, {"file": sheet, "source": "Fagpressens liste"})
    assert done.status_code == 302
    assert Contact.objects.get(email="sara@radio.dk").source == "Fagpressens liste"
    bad = io.BytesIO(b"navn;e-mail\nJens;nej\n")
    bad.name = "bad.csv"
    refused = publisher_client.post(url, {"file": bad})
    assert refused.status_code == 200
    assert "nej" in refused.content.decode()


def test_everything_held_about_an_address_is_exported_and_then_erased(publisher_client, publisher):
    import_contacts(DANISH_SHEET.encode(), "Dagblade")
    release = PressReleaseFactory(scheduled=True)
    PreviewLink.objects.create(
        release=release,
        name="Jens",
        email="jens@avisen.dk",
        outlet="Avisen",
        token_hash="x" * 64,
        expires_at=release.publish_at,
    )
    Subscription.objects.create(email="jens@avisen.dk")
    url = reverse("admin:outreach_contact_personal_data")
    exported = publisher_client.post(url, {"email": "Jens@Avisen.dk", "_export": "1"})
    assert exported["Content-Disposition"].startswith("attachment;")
    data = json.loads(exported.content)
    assert data["journalist"][0]["name"] == "Jens Ærø Østergård"
    assert data["journalist"][0]["media_lists"] == ["Dagblade"]
    assert data["embargo_links"][0]["outlet"] == "Avisen"
    assert len(data["alert_subscriptions"]) == 1
    refused = publisher_client.post(url, {"email": "jens@avisen.dk", "_erase": "1"})
    assert refused.status_code == 200 and Contact.objects.filter(email="jens@avisen.dk").exists()
    erased = publisher_client.post(
        url, {"email": "jens@avisen.dk", "_erase": "1", "confirm_erase": "on"}
    )
    assert erased.status_code == 302
    assert not Contact.objects.filter(email="jens@avisen.dk").exists()
    assert not Subscription.objects.filter(email="jens@avisen.dk").exists()
    assert not PreviewLink.objects.filter(email="jens@avisen.dk").exists()
    after = gdpr.export("jens@avisen.dk")
    assert after["journalist"] == [] and after["embargo_links"] == []
    assert after["suppressed"]["reason"] == "slettet efter anmodning"


def test_an_editor_cannot_reach_the_personal_data_page(editor_client):
    response = editor_client.get(reverse("admin:outreach_contact_personal_data"))
    assert response.status_code == 403


DSN = b"""From: MAILER-DAEMON@mx.avisen.dk
To: presse@example.org
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

The mail could not be delivered.
--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.avisen.dk

Final-Recipient: rfc822; jens@avisen.dk
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

Final-Recipient: rfc822; sara@radio.dk
Action: delayed
Status: 4.4.1
--B--
"""

ARF = b"""From: feedback@isp.example
To: presse@example.org
Subject: Abuse report
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="F"

--F
Content-Type: text/plain

This is an abuse report.
--F
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: ISP-FBL/1.0
Version: 1
Original-Rcpt-To: <anna@wire.example>

--F
Content-Type: text/rfc822-headers

From: presse@example.org
To: anna@wire.example
Subject: Ny direktoer

--F--
"""


def test_a_bounce_and_a_complaint_suppress_the_address(monkeypatch):
    result = read_report(DSN)
    assert result.suppressed == [("jens@avisen.dk", "bounced")]
    assert result.ignored == ["sara@radio.dk"]
    apply(result)
    assert Suppression.objects.get(email_hash=email_hash("jens@avisen.dk")).reason == "bounced"
    assert not Suppression.is_suppressed("sara@radio.dk")
    complaint = read_report(ARF)
    assert complaint.suppressed == [("anna@wire.example", "complained")]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(ARF)))
    out = io.StringIO()
    call_command("bounce", stdout=out)
    assert "Suppressed anna@wire.example (complained)." in out.getvalue()
    assert Suppression.is_suppressed("Anna@Wire.example")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"Subject: hej\n\nhej\n")))
    call_command("bounce", stdout=(out := io.StringIO()))
    assert "nothing done" in out.getvalue()
