"""Issue 11 in Chromium: an Editor made in one step logs in; a release quotes a person from
the database and the public page names the role he held that day."""

import datetime
import re

import pytest
from django.contrib.auth.models import User

from organisations.models import Organisation
from people.models import Person, Position
from tests.browser.support import add_inline_choice, choose, restore_roles
from tests.browser.test_richtext_paste import log_in

pytestmark = pytest.mark.browser


def test_an_editor_made_in_one_step_logs_in(browser, live_server, transactional_db):
    restore_roles()
    User.objects.create_superuser("chef", "chef@example.org", "Sikker-kode-2026")
    User.objects.create_user("ny.skribent", "ny@example.org", "Ny-kode-2026-abc")
    base = live_server.url
    context, page = log_in(
        browser, base, "chef", "Sikker-kode-2026", viewport={"width": 1280, "height": 900}
    )
    page.goto(f"{base}/admin/auth/user/")
    page.get_by_role("link", name="ny.skribent").click()
    # Only the group is chosen: "Personalestatus" is not ticked by hand.
    page.select_option("#id_groups_from", label="Redaktør")
    page.click("#id_groups_add")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/admin/auth/user/$"))
    assert (
        "kan nu logge ind i administrationen som Redaktør"
        in page.locator(".messagelist").inner_text()
    )
    context.close()

    context, page = log_in(browser, base, "ny.skribent", "Ny-kode-2026-abc")
    assert page.get_by_role("link", name="Pressemeddelelser").first.is_visible()
    context.close()


def test_a_release_with_a_quote_bound_to_a_person(browser, publisher_login):
    base, username, password = publisher_login
    los = Organisation.objects.create(name="LOS")
    mads = Person.objects.create(name="Mads Roke Clausen")
    Position.objects.create(
        person=mads, organisation=los, title="direktør", start=datetime.date(2015, 1, 1)
    )
    context, page = log_in(
        browser, base, username, password, viewport={"width": 1280, "height": 1000}
    )
    page.goto(f"{base}/admin/newsroom/pressrelease/add/")
    page.fill("#id_title", "LOS glæder sig over aftalen")
    page.fill("#id_lead", "En ny aftale om samskabelse.")
    page.locator(".ck-editor__editable").first.click()
    page.keyboard.type("Aftalen blev indgået i dag.")
    add_inline_choice(page, "#person_links-group", "Roke", "Mads Roke Clausen")
    quotes = page.locator("#quotes-group")
    quotes.locator(".add-row a").click()
    row = quotes.locator("tr.form-row:not(.empty-form)").first
    row.locator("textarea").fill("Vi glæder os til at komme i gang.")
    choose(page, row.locator(".select2-selection"), "Roke", "Mads Roke Clausen")
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/admin/newsroom/pressrelease/$"))

    page.goto(f"{base}/pressemeddelelser/los-glaeder-sig-over-aftalen/")
    quote = page.locator("figure.quote")
    assert quote.locator("blockquote").inner_text().strip() == "Vi glæder os til at komme i gang."
    assert quote.locator("figcaption").inner_text().strip() == "– Mads Roke Clausen, direktør, LOS"
    quote.get_by_role("link", name="Mads Roke Clausen").click()
    page.wait_for_url(re.compile(r".*/personer/mads-roke-clausen/$"))
    assert (
        "Vi glæder os til at komme i gang." in page.locator("#quotes-heading + figure").inner_text()
    )
    context.close()
