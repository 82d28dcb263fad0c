"""A Publisher's morning, in a real Chromium under the production Content-Security-Policy:
log in, write a release in CKEditor 5 (heading, link, uploaded image), add a credited press
photo, schedule it, and watch it go public."""

import datetime
import io
import re
import time

import pytest
from django.utils import timezone
from PIL import Image as PillowImage

from media.models import Image
from newsroom.models import PressRelease

pytestmark = pytest.mark.browser


def png_file(tmp_path, name, color):
    path = tmp_path / name
    buffer = io.BytesIO()
    PillowImage.new("RGB", (800, 500), color).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_publisher_writes_schedules_and_sees_it_go_public(browser, publisher_login, tmp_path):
    base, username, password = publisher_login
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15000)
    csp_violations = []
    page.on(
        "console",
        lambda message: (
            csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )

    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")

    # A credited press photo in the media library.
    page.goto(f"{base}/admin/media/image/add/")
    page.set_input_files("#id_file", png_file(tmp_path, "pressefoto.png", (30, 90, 160)))
    page.fill("#id_title", "Direktøren på kontoret")
    page.fill("#id_alt_text", "Direktøren ved sit skrivebord")
    page.fill("#id_credit", "Camilla Hey")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/admin/media/image/$"))

    # The release, written in CKEditor 5.
    page.goto(f"{base}/admin/newsroom/pressrelease/add/")
    page.fill("#id_title", "Browsertest: ny aftale om samskabelse")
    page.fill("#id_lead", "En indledning skrevet i en rigtig browser.")
    editor = page.locator(".ck-editor__editable").first
    editor.click()
    page.locator(".ck-toolbar .ck-heading-dropdown button").first.click()
    page.locator(".ck-heading-dropdown button.ck-heading_heading2").click()
    page.keyboard.type("En overskrift")
    page.keyboard.press("Enter")
    page.keyboard.type("Læs mere hos LOS")
    page.keyboard.press("Enter")
    # A heading looks like one while it is written (the admin's styles made it body text).
    sizes = page.evaluate(
        """() => ['h2', 'p'].map(tag => parseFloat(getComputedStyle(
            document.querySelector('.ck-editor__editable ' + tag)).fontSize))"""
    )
    assert sizes[0] >= 1.3 * sizes[1], sizes
    # The file dialog offers only what the server takes (it offered GIF, BMP and TIFF).
    accept = page.locator(".ck-toolbar input[type=file]").first.get_attribute("accept")
    assert "image/jpeg" in accept and "gif" not in accept and "tiff" not in accept, accept
    with page.expect_response(lambda r: "/admin/editor-upload/" in r.url) as upload:
        page.locator(".ck-toolbar input[type=file]").first.set_input_files(
            png_file(tmp_path, "brødtekst.png", (200, 120, 40))
        )
    assert upload.value.status == 200
    page.wait_for_selector(".ck-editor__editable img[src*='/media/renditions/']")
    # A body image is published only with a text alternative (set in CKEditor) and a
    # photographer credit (on its page in the media library; see test_image_checks.py).
    page.locator(".ck-editor__editable img").first.click()
    page.locator(
        ".ck-balloon-panel_visible button[data-cke-tooltip-text='Skift alternativ billedtekst']"
    ).click()
    alt_input = page.locator(".ck-balloon-panel_visible input.ck-input-text").first
    alt_input.fill("Et orange billede")
    alt_input.press("Enter")
    page.wait_for_selector(".ck-editor__editable img[alt='Et orange billede']")
    uploaded = Image.objects.get(title="brødtekst.png")
    image_tab = context.new_page()
    image_tab.goto(f"{base}/admin/media/image/{uploaded.pk}/change/")
    image_tab.fill("#id_alt_text", "Et orange billede")
    image_tab.fill("#id_credit", "Kommunikationsafdelingen")
    image_tab.click("input[name=_save]")
    image_tab.wait_for_url(re.compile(r".*/admin/media/image/$"))
    image_tab.close()
    # Select the sentence and make it a link (Ctrl+K).
    editor.locator("p", has_text="Læs mere hos LOS").click(click_count=3)
    page.keyboard.press("Control+k")
    link_input = page.locator(".ck-balloon-panel_visible").get_by_label("Link URL")
    link_input.fill("https://www.los.dk/")
    link_input.press("Enter")
    page.wait_for_selector(".ck-editor__editable a[href='https://www.los.dk/']")

    # The press photo, chosen through the autocomplete in the inline.
    photos = page.locator("#image_links-group")
    photos.locator(".add-row a").click()
    photos.locator("tr.form-row:not(.empty-form) .select2-selection").first.click()
    page.locator(".select2-container--open .select2-search__field").fill("Direktøren")
    page.locator(".select2-results__option", has_text="Direktøren på kontoret").click()

    # Schedule it a few seconds ahead, in Copenhagen time.
    go_public = timezone.localtime(timezone.now() + datetime.timedelta(seconds=8))
    page.select_option("#id_status", "scheduled")
    page.fill("#id_publish_at_0", go_public.strftime("%d.%m.%Y"))
    page.fill("#id_publish_at_1", go_public.strftime("%H:%M:%S"))
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/admin/newsroom/pressrelease/$"))

    release = PressRelease.objects.get(title="Browsertest: ny aftale om samskabelse")
    assert release.status == PressRelease.Status.SCHEDULED
    assert "<h2>En overskrift</h2>" in release.body
    assert 'href="https://www.los.dk/"' in release.body
    assert re.search(r'<img src="/media/renditions/[0-9a-f]{32}\.(jpg|webp)"', release.body)
    assert [image.credit for image in release.ordered_images] == ["Camilla Hey"]

    reader = browser.new_context(locale="da-DK").new_page()
    assert reader.goto(f"{base}{release.get_absolute_url()}").status == 404
    while timezone.now() < release.publish_at:
        time.sleep(0.5)
    response = reader.goto(f"{base}{release.get_absolute_url()}")
    assert response.status == 200
    assert reader.locator("h1").inner_text() == "Browsertest: ny aftale om samskabelse"
    assert reader.locator(".body h2").inner_text() == "En overskrift"
    assert "Foto: Camilla Hey" in reader.locator(".lead-photo figcaption").inner_text()
    body_photo = reader.locator(".body figure").first
    assert body_photo.locator("img").get_attribute("alt") == "Et orange billede"
    assert body_photo.locator("figcaption").inner_text() == "Foto: Kommunikationsafdelingen"
    reader.goto(f"{base}/")
    assert "Browsertest: ny aftale om samskabelse" in reader.content()
    assert csp_violations == []
    context.close()
