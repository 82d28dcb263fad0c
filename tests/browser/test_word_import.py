"""A press officer's Word import in a real Chromium: "Importér fra Word" on the releases list,
a .docx uploaded, the draft's change page with its title and the notes, and the staff preview
showing the body's table."""

import re

import pytest

from newsroom.models import PressRelease
from tests.browser.test_richtext_paste import log_in
from tests.newsroom.word_documents import LEAD, TITLE, press_release_docx

pytestmark = pytest.mark.browser


def test_press_officer_imports_a_word_document(browser, editor_login, tmp_path):
    base, username, password = editor_login
    document = tmp_path / "Ny direktør.docx"
    document.write_bytes(press_release_docx())
    context, page = log_in(
        browser, base, username, password, viewport={"width": 1280, "height": 1000}
    )

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
