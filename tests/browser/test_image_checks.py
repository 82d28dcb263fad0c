"""Issue 9, item 4, in Chromium: a Publisher uploads a photo into the body, tries to publish,
is told which image lacks its text alternative and credit, fixes the text alternative in
CKEditor and the credit on the image's page (linked from the refusal), and then the release
goes public with both."""

import re

import pytest

from media.models import Image
from newsroom.models import PressRelease
from tests.browser.support import start_release_with_body_photo
from tests.browser.test_publisher_flow import png_file
from tests.browser.test_richtext_paste import log_in

pytestmark = pytest.mark.browser


def test_publishing_waits_for_alt_text_and_credit(browser, publisher_login, tmp_path):
    base, username, password = publisher_login
    context, page = log_in(
        browser, base, username, password, viewport={"width": 1280, "height": 1000}
    )
    start_release_with_body_photo(
        page,
        base,
        png_file(tmp_path, "brødtekst.png", (200, 120, 40)),
        title="Billeder skal beskrives",
        lead="Et billede i brødteksten.",
        text="Direktøren på sit kontor.",
    )
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")

    # Refused, and told which image and what to do.
    refusal = page.locator(".errorlist.nonfield")
    refusal.wait_for()
    text = refusal.inner_text()
    assert "Pressemeddelelsen kan ikke offentliggøres endnu:" in text
    assert "Billede 1 i brødteksten (“brødtekst.png”) har ingen alternativ tekst." in text
    assert "Billede 1 i brødteksten (“brødtekst.png”) har ingen fotografkreditering." in text
    assert not PressRelease.objects.filter(title="Billeder skal beskrives").exists()

    # The text alternative, in the editor, as the refusal says.
    page.locator(".ck-editor__editable img").first.click()
    page.locator(".ck-balloon-panel_visible button", has_text="Skift alternativ billedtekst").or_(
        page.locator(
            ".ck-balloon-panel_visible button[data-cke-tooltip-text='Skift alternativ billedtekst']"
        )
    ).first.click()
    alt_input = page.locator(".ck-balloon-panel_visible input.ck-input-text").first
    alt_input.fill("Direktøren ved sit skrivebord")
    alt_input.press("Enter")
    page.wait_for_selector(".ck-editor__editable img[alt='Direktøren ved sit skrivebord']")

    # The credit, on the image's page, through the refusal's link (a new tab).
    with context.expect_page() as new_tab:
        refusal.get_by_role("link", name=re.compile("Tilføj krediteringen")).click()
    image_page = new_tab.value
    image_page.wait_for_load_state()
    image_page.fill("#id_alt_text", "Direktøren ved sit skrivebord")
    image_page.fill("#id_credit", "Camilla Hey")
    image_page.click("input[name=_save]")
    image_page.wait_for_url(re.compile(r".*/admin/media/image/$"))
    image_page.close()
    assert Image.objects.get(title="brødtekst.png").credit == "Camilla Hey"

    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/admin/newsroom/pressrelease/$"))
    assert "Billeder skal beskrives" in page.locator(".messagelist .success").inner_text()
    release = PressRelease.objects.get(title="Billeder skal beskrives")
    assert release.status == PressRelease.Status.PUBLISHED

    reader = browser.new_context(locale="da-DK").new_page()
    assert reader.goto(f"{base}{release.get_absolute_url()}").status == 200
    figure = reader.locator(".body figure").first
    assert figure.locator("img").get_attribute("alt") == "Direktøren ved sit skrivebord"
    assert figure.locator("figcaption").inner_text() == "Foto: Camilla Hey"
    context.close()
