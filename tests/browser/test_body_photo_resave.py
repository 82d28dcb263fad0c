"""A photo with a caption in the body survives saving again, unchanged.

Found by hand: the sanitiser dropped CKEditor's class="image" from the figure, CKEditor then
read the photo back as an inline image with its caption as loose text, and the next save -
with nothing changed and a success message - stored the caption glued to the picture."""

import re

import pytest

from media.models import Image
from newsroom.models import PressRelease
from tests.browser.support import start_release_with_body_photo
from tests.browser.test_publisher_flow import png_file
from tests.browser.test_richtext_paste import log_in

pytestmark = pytest.mark.browser

CAPTION = "Det nye hus på Vestergade i Odense."


def test_a_captioned_body_photo_is_unchanged_by_saving_again(browser, publisher_login, tmp_path):
    base, username, password = publisher_login
    context, page = log_in(
        browser, base, username, password, viewport={"width": 1280, "height": 1000}
    )
    photo = start_release_with_body_photo(
        page,
        base,
        png_file(tmp_path, "huset.png", (40, 120, 200)),
        title="Nyt hovedkontor i Odense",
        lead="Huset står klar.",
        text="Vi flytter ind i marts.",
    )

    # Text alternative and caption, with the photo's own balloon toolbar.
    photo.click()
    toolbar = page.locator(".ck-balloon-panel_visible .ck-toolbar").first
    toolbar.locator("button").nth(0).click()
    alt_input = page.locator(".ck-balloon-panel_visible input.ck-input-text").first
    alt_input.fill("Det nye hus")
    alt_input.press("Enter")
    photo.click()
    page.locator(".ck-balloon-panel_visible .ck-toolbar button").nth(1).click()
    caption = page.locator(".ck-editor__editable figure.image figcaption").first
    caption.click()
    page.keyboard.type(CAPTION)

    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r".*/admin/newsroom/pressrelease/\d+/change/$"))
    release = PressRelease.objects.get(title="Nyt hovedkontor i Odense")
    first_body = release.body
    assert '<figure class="image">' in first_body
    assert f"<figcaption>{CAPTION}</figcaption>" in first_body

    # Saved twice more with nothing changed: the body stays exactly as it was.
    for _ in range(2):
        page.locator(".ck-editor__editable figure.image figcaption").first.wait_for()
        page.click("input[name=_continue]")
        page.wait_for_url(re.compile(r".*/admin/newsroom/pressrelease/\d+/change/$"))
        assert "blev ændret" in page.locator(".messagelist").inner_text()
        release.refresh_from_db()
        assert release.body == first_body

    # And the public page shows the photo with its caption and credit, not loose text.
    Image.objects.filter(title="huset.png").update(credit="Camilla Hey")
    page.select_option("#id_status", "published")
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r".*/admin/newsroom/pressrelease/\d+/change/$"))
    release.refresh_from_db()
    assert release.status == PressRelease.Status.PUBLISHED
    assert release.body == first_body
    reader = browser.new_context(locale="da-DK").new_page()
    assert reader.goto(f"{base}{release.get_absolute_url()}").status == 200
    figure = reader.locator(".body figure.image").first
    assert figure.locator("img").get_attribute("alt") == "Det nye hus"
    assert figure.locator("figcaption").inner_text() == f"{CAPTION} Foto: Camilla Hey"
    context.close()
