"""A press officer's Word import in a real Chromium: "Importér fra Word" on the releases list,
a .docx uploaded, the draft's change page with its title and the notes, and the staff preview
showing the body's table."""

import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, User

from newsroom.models import PressRelease
from tests.newsroom.word_documents import LEAD, TITLE, press_release_docx

pytestmark = pytest.mark.browser


@pytest.fixture
def editor_login(live_server, transactional_db):
    # The roles come from a data migration that the transactional flush undoes.
    roles = importlib.import_module("newsroom.migrations.0004_editor_and_publisher_groups")
    roles.create_groups(django_apps, None)
    user = User.objects.create_user("presse", "presse@example.org", "Sikker-kode-2026")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name="Editor"))
    return live_server.url, "presse", "Sikker-kode-2026"


def test_press_officer_imports_a_word_document(browser, editor_login, tmp_path):
    base, username, password = editor_login
    document = tmp_path / "Ny direktør.docx"
    document.write_bytes(press_release_docx())
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15000)

    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")

    page.goto(f"{base}/admin/newsroom/pressrelease/")
    page.get_by_role("link", name="Importér fra Word").click()
    page.get_by_label("Word-dokument").set_input_files(str(document))
    page.get_by_role("button", name="Importér som kladde").click()
    page.wait_for_url(re.compile(r".*/admin/newsroom/pressrelease/\d+/change/$"))

    release = PressRelease.objects.get()
    assert release.status == PressRelease.Status.DRAFT
    assert page.locator("#id_title").input_value() == TITLE
    assert page.locator("#id_lead").input_value() == LEAD
    notes = page.locator("ul.messagelist").inner_text()
    assert "er lavet ud fra Word-dokumentet" in notes
    assert "gennemstregning (1)" in notes
    assert "uden fotografkreditering" in notes

    page.locator("a.viewsitelink").click()
    page.wait_for_url(re.compile(re.escape(release.get_preview_url()) + "$"))
    assert page.locator("h1").inner_text() == TITLE
    table = page.locator(".body table")
    assert table.locator("th").all_inner_texts() == ["År", "Medlemmer"]
    assert table.locator("td").all_inner_texts() == ["2025", "1.200", "2026", "1.450"]
    assert page.locator(".body img[src^='/media/']").count() == 1
    context.close()
