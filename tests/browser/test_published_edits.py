"""Issue 9.1 in a real Chromium: a Publisher adds a person to a published release through the
admin, is told plainly that no correction note will show, and the public page gets the box."""

import pytest

from newsroom.demo.seed import SEED_SLUG, load_demo
from newsroom.models import PressRelease
from tests.browser.support import staff_login
from tests.browser.test_richtext_paste import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def publisher_on_seed(live_server, transactional_db):
    load_demo()
    return staff_login(live_server, "Publisher", "udgiver")[0]


def test_item1_a_person_added_to_a_published_release_reaches_the_public_page(
    browser, publisher_on_seed
):
    from newsroom.models import PressRelease

    base = publisher_on_seed
    release = PressRelease.objects.get(slug=SEED_SLUG)
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", "udgiver")
    page.fill("#id_password", "Sikker-kode-2026")
    page.click("input[type=submit]")
    page.goto(f"{base}/admin/newsroom/pressrelease/{release.pk}/change/")
    # The admin says what is frozen, and as of when.
    frozen = page.locator(".field-frozen_record").inner_text()
    assert "3. maj 2021" in frozen and "Mads Roke Clausen" in frozen

    page.locator("#person_links-group .add-row a").click()
    page.locator("#person_links-1 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Susan")
    page.locator(".select2-results__option", has_text="Susan Knage Møller").click()
    page.locator("input[name=_save]").click()
    page.wait_for_url(f"{base}/admin/newsroom/pressrelease/")
    messages = page.locator(".messagelist").inner_text()
    assert "uden en rettelse" in messages

    page.goto(f"{base}/pressemeddelelser/{SEED_SLUG}/")
    text = page.locator("article").inner_text()
    assert "Om Susan Knage Møller" in text
    assert "bestyrelsesformand, LOS" in text
    assert "formand, Frivilligrådet (fra 1. februar 2018)" in text  # Mads's frozen box kept

    # Removing her again, with a note this time: the box goes and the public sees why.
    page.goto(f"{base}/admin/newsroom/pressrelease/{release.pk}/change/")
    page.locator("#person_links-1 td.delete input[type=checkbox]").check()
    page.fill("#id_correction_note", "Boksen om Susan Knage Møller var med ved en fejl.")
    page.locator("input[name=_save]").click()
    page.wait_for_url(f"{base}/admin/newsroom/pressrelease/")
    page.goto(f"{base}/pressemeddelelser/{SEED_SLUG}/")
    text = page.locator("article").inner_text()
    assert "Om Susan Knage Møller" not in text
    assert "Boksen om Susan Knage Møller var med ved en fejl." in text
    context.close()


def test_saving_an_untouched_published_release_changes_nothing_and_says_so(
    browser, publisher_login, site
):
    """Found by hand: CKEditor writes an unchanged body differently from how it was stored, so
    every save of an untouched release said the change was public without a correction note,
    and moved its "updated" time in the feeds and JSON-LD."""
    base, username, password = publisher_login
    release = PressRelease.objects.get(slug=SEED_SLUG)
    before = (release.updated_at, release.version, release.body)
    context, page = log_in(
        browser, base, username, password, viewport={"width": 1280, "height": 1000}
    )
    page.goto(f"{base}/admin/newsroom/pressrelease/{release.pk}/change/")
    page.locator(".ck-editor__editable").first.wait_for()
    with page.expect_navigation():
        page.click("input[name=_continue]")
    messages = page.locator(".messagelist").inner_text()
    assert "Intet blev ændret, så intet blev gemt" in messages
    assert "offentlig nu" not in messages and "blev ændret." not in messages
    release.refresh_from_db()
    assert (release.updated_at, release.version, release.body) == before
    context.close()
