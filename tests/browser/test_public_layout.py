"""Issue 11: a release card without a photo gives its text the full width, in Chromium."""

import pytest

from tests.browser.support import LOCALE
from tests.factories import PressReleaseFactory

pytestmark = pytest.mark.browser


def test_a_card_without_a_photo_uses_the_full_width(browser, site):
    PressReleaseFactory(title="Nyhed uden foto", lead="Ingen billeder her.")
    context = browser.new_context(locale=LOCALE, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site}/")
    without = page.locator("article.release-card", has_text="Nyhed uden foto")
    with_photo = page.locator("article.release-card", has=page.locator("picture")).first
    card_width = without.bounding_box()["width"]
    text_width = without.locator("h2").bounding_box()["width"]
    assert text_width > 0.9 * card_width, (text_width, card_width)
    # The card with a photo keeps its 240 px image column beside the text.
    photo_box = with_photo.locator("picture").bounding_box()
    text_box = with_photo.locator("h2").bounding_box()
    assert photo_box["width"] == pytest.approx(240, abs=2)
    assert text_box["x"] > photo_box["x"] + photo_box["width"]
    context.close()
