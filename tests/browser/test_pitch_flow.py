"""A new press officer sends the seed release to the office's journalists, in Chromium: a
media list filled from a spreadsheet, then "Send til journalister" on the release, a test to
herself, and the pitch sent, with its report."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail

from newsroom.models import PressRelease
from outreach.apps import grant_roles
from outreach.models import Contact, PitchDelivery
from tests.browser.support import csp_violations
from tests.browser.test_richtext_paste import log_in

pytestmark = pytest.mark.browser

SHEET = (
    "Navn;E-mail;Medie;Sprog\r\n"
    "Jens Ærø Østergård;jens@avisen.dk;Avisen Ålborg;dansk\r\n"
    "Anna Smith;anna@wire.example;The Wire;engelsk\r\n"
)


def test_a_press_officer_sends_the_seed_release_to_a_media_list(
    browser, site, publisher_login, tmp_path
):
    grant_roles(None)
    base, username, password = publisher_login
    User.objects.filter(username=username).update(
        email="pia@los.dk", first_name="Pia", last_name="Presse"
    )
    release = PressRelease.objects.get(slug="ny-direktoer-med-fokus-paa-samskabelse")
    sheet = tmp_path / "journalister.csv"
    sheet.write_bytes(SHEET.encode("cp1252"))
    context, page = log_in(
        browser, base, username, password, viewport={"width": 1280, "height": 1000}
    )
    violations = csp_violations(page)

    # A media list, filled from the spreadsheet (dry run first, as the form suggests).
    page.goto(f"{base}/admin/outreach/medialist/add/")
    page.fill("#id_name", "Dagblade")
    page.click("input[name=_continue]")
    page.get_by_role("link", name="Importér fra regneark").click()
    page.set_input_files("#id_file", str(sheet))
    page.click("input[type=submit]")
    assert "2 tilføjet, 0 opdateret, 0 sprunget over" in page.locator("[role=status]").inner_text()
    assert not Contact.objects.exists()
    page.set_input_files("#id_file", str(sheet))
    page.uncheck("#id_dry_run")
    page.click("input[type=submit]")
    assert "2 tilføjet" in page.locator(".messagelist").inner_text()
    assert Contact.objects.get(email="jens@avisen.dk").name == "Jens Ærø Østergård"

    # From the release: "Send til journalister".
    page.goto(f"{base}/admin/newsroom/pressrelease/{release.pk}/change/")
    page.get_by_role("link", name="Send til journalister").click()
    page.select_option("#id_lists_from", label="Dagblade")
    page.click("#id_lists_add")
    page.fill("#id_note", "Hej,\nvi har fået ny direktør. Ring gerne.")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/admin/outreach/pitch/\d+/change/$"))
    preview = page.locator(".pitch-preview").inner_text()
    assert "Ny direktør med fokus på samskabelse" in preview
    assert "Kære Jens Ærø Østergård" in preview
    assert "Den går til 2 journalister" in page.content()

    page.click("input[name=_send_test]")
    assert "En test er sendt til pia@los.dk" in page.locator(".messagelist").inner_text()
    [test] = mail.outbox
    assert test.to == ["pia@los.dk"] and test.subject.startswith("[Test]")

    page.click("input[name=_send]")
    assert "sendes nu til 2 journalister" in page.locator(".messagelist").inner_text()
    sent = {message.to[0]: message for message in mail.outbox[1:]}
    assert set(sent) == {"jens@avisen.dk", "anna@wire.example"}
    assert sent["jens@avisen.dk"].reply_to == ["pia@los.dk"]
    assert "Ring gerne." in sent["jens@avisen.dk"].body
    report = page.get_by_role("table", name="Hver journalist, udsendelsen gik til").inner_text()
    assert "Jens Ærø Østergård" in report and "Anna Smith" in report
    assert PitchDelivery.objects.filter(status="sent").count() == 2
    assert violations == []
    context.close()
