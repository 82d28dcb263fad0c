"""Issue 11 in Chromium: a press officer enters a release about a new board of eight people,
counting the admin page loads and saves it takes (before: 29 page loads and 14 saves)."""

import re

import pytest

from organisations.models import Organisation
from people.models import Position
from tests.browser.support import add_inline_choice
from tests.browser.test_richtext_paste import log_in

pytestmark = pytest.mark.browser

BOARD = [
    "Anne Bach",
    "Bo Carlsen",
    "Clara Dam",
    "Dan Eriksen",
    "Eva Friis",
    "Frank Gade",
    "Gitte Holm",
    "Hans Iversen",
]


def test_a_board_of_eight_in_two_saves(browser, publisher_login):
    base, username, password = publisher_login
    los = Organisation.objects.create(
        name="Landsorganisationen for sociale tilbud", short_name="LOS"
    )
    context, page = log_in(
        browser, base, username, password, viewport={"width": 1280, "height": 1000}
    )
    loads, saves = [], []
    page.on(
        "framenavigated",
        lambda frame: loads.append(frame.url) if frame == page.main_frame else None,
    )
    page.on(
        "request",
        lambda r: saves.append(r.url) if r.method == "POST" and r.is_navigation_request() else None,
    )

    # The board: one form from the organisation's page.
    page.goto(f"{base}/admin/organisations/organisation/{los.pk}/change/")
    page.get_by_role("link", name="Tilføj en bestyrelse: flere personer og roller").click()
    page.fill("#id_start", "10.5.2016")
    assert page.input_value("#id_role-2-title") == "bestyrelsesmedlem"
    page.fill("#id_role-2-new_people", "\n".join(BOARD))
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(rf".*/admin/organisations/organisation/{los.pk}/change/$"))
    assert "har nu rollen bestyrelsesmedlem" in page.locator(".messagelist").inner_text()

    # The release: the eight attached by typing their names, published in the same save.
    page.goto(f"{base}/admin/newsroom/pressrelease/add/")
    page.fill("#id_title", "LOS har fået en ny bestyrelse")
    page.fill("#id_lead", "Otte medlemmer blev valgt på generalforsamlingen.")
    page.locator(".ck-editor__editable").first.click()
    page.keyboard.type("Generalforsamlingen valgte en ny bestyrelse.")
    for name in BOARD:
        add_inline_choice(page, "#person_links-group", name.split()[1], name)
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/admin/newsroom/pressrelease/$"))

    admin_loads = [url for url in loads if "/admin/" in url]
    print(f"board of eight: {len(admin_loads)} admin page loads, {len(saves)} saves")
    assert len(saves) == 2
    assert len(admin_loads) <= 29 // 3

    public = context.new_page()
    public.goto(f"{base}/pressemeddelelser/los-har-faaet-en-ny-bestyrelse/")
    text = public.locator("main").inner_text()
    for name in BOARD:
        assert f"Om {name}" in text
    assert text.count("bestyrelsesmedlem, LOS (fra 10. maj 2016)") == 8, text
    assert Position.objects.filter(organisation=los).count() == 8
    context.close()
