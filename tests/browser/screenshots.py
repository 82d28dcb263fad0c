"""Full-page screenshots of the index and the seed release, and of the positions editor and the
dashboard in the admin, at 390 and 1280 px.

Run `make screenshots` (or `python tests/browser/screenshots.py`): it starts the usual test
set-up (test database, demo content, live server, headless Debian Chromium) and writes
screenshots/index-390.png, index-1280.png, release-390.png, release-1280.png,
positions-editor-390.png, positions-editor-1280.png, dashboard-390.png and dashboard-1280.png.
The file is not named test_*.py, so
the normal test run leaves it alone.
"""

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WIDTHS = [390, 1280]
PAGES = ["index", "release"]


@pytest.fixture(scope="module")
def out_dir():
    folder = Path(os.environ.get("SCREENSHOTS_DIR", REPO / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_screenshot(name, width, site, browser, out_dir):
    from tests.browser.support import LOCALE, page

    context = browser.new_context(viewport={"width": width, "height": 900}, locale=LOCALE)
    try:
        tab = context.new_page()
        response = tab.goto(site + page(name).path, wait_until="networkidle")
        assert response is not None and response.status == 200
        path = out_dir / f"{name}-{width}.png"
        tab.screenshot(path=str(path), full_page=True)
        print(f"wrote {path}")
    finally:
        context.close()


def admin_screenshot(browser, site, out_dir, django_user_model, path, name, width, shows=None):
    """An admin page as a logged-in superuser sees it, saved as screenshots/<name>-<width>.png."""
    from tests.browser.test_richtext_paste import log_in

    django_user_model.objects.create_superuser("skaermbilleder", "", "Sikker-kode-2026")
    context, tab = log_in(
        browser,
        site,
        "skaermbilleder",
        "Sikker-kode-2026",
        viewport={"width": width, "height": 900},
    )
    try:
        tab.goto(f"{site}{path}", wait_until="networkidle")
        if shows:
            assert tab.locator(shows).is_visible()
        target = out_dir / f"{name}-{width}.png"
        tab.screenshot(path=str(target), full_page=True)
        print(f"wrote {target}")
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_positions_editor_screenshot(width, site, browser, out_dir, django_user_model):
    """The demo person's page in the admin, where their positions are kept."""
    from people.models import Person

    person = Person.objects.get(slug="mads-roke-clausen")
    path = f"/admin/people/person/{person.pk}/change/"
    admin_screenshot(browser, site, out_dir, django_user_model, path, "positions-editor", width)


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_dashboard_screenshot(width, site, browser, out_dir, django_user_model):
    """The admin's front page, with the demo release's history behind it."""
    admin_screenshot(
        browser, site, out_dir, django_user_model, "/admin/", "dashboard", width, "#dash-chart"
    )


if __name__ == "__main__":
    os.chdir(REPO)
    # Serve uploaded media from the live server, so the press photo shows up.
    os.environ.setdefault("SERVE_MEDIA", "1")
    sys.exit(pytest.main([str(Path(__file__).resolve()), "-q", "-s", "-p", "no:cacheprovider"]))
