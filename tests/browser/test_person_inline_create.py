"""Issue 11 in Chromium: a person missing from the database is created from the release form
(the "+" beside the people autocomplete) and attached without leaving the release."""

import re

import pytest

from people.models import Person
from tests.browser.support import csp_violations
from tests.browser.test_richtext_paste import log_in

pytestmark = pytest.mark.browser


def test_a_missing_person_is_created_from_the_release_form(browser, publisher_login):
    base, username, password = publisher_login
    context, page = log_in(
        browser, base, username, password, viewport={"width": 1280, "height": 1000}
    )
    violations = csp_violations(page)
    page.goto(f"{base}/admin/newsroom/pressrelease/add/")
    page.fill("#id_title", "Ny direktør i LOS")
    page.fill("#id_lead", "LOS har ansat en ny direktør.")
    page.locator(".ck-editor__editable").first.click()
    page.keyboard.type("Hun begynder 1. juni.")
    people = page.locator("#person_links-group")
    people.locator(".add-row a").click()
    row = people.locator("tr.form-row:not(.empty-form)").first
    with context.expect_page() as popup_info:
        row.locator("a.add-related").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    popup.fill("#id_name", "Sofie Ny Direktør")
    popup.locator("input[name=_save]").click()
    popup.wait_for_event("close")
    assert "Sofie Ny Direktør" in row.locator(".select2-selection").inner_text()
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/admin/newsroom/pressrelease/$"))
    person = Person.objects.get(name="Sofie Ny Direktør")
    assert list(person.release_links.values_list("release__title", flat=True)) == [
        "Ny direktør i LOS"
    ]
    assert not violations, violations
    context.close()
