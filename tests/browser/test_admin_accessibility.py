"""The staff side, WCAG 2.2 AA: axe-core on every admin page type (and on the states a press
officer meets: a refused time, a refused board, a refused Word file, the message after a save),
and the barriers of issue 23 one by one, in a real Chromium."""

import datetime
import re

import pytest
from django.utils import timezone

from tests.browser.support import LOCALE, node_file
from tests.browser.test_accessibility import AXE_OPTIONS, NARROW, WIDEST_ELEMENTS, describe

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def axe_source():
    return node_file("axe-core/axe.min.js").read_text(encoding="utf-8")


def signed_in_context(browser, base, *, bypass_csp=True, **options):
    """A browser context with a superuser's session (the admin's every page and button)."""
    from django.contrib.auth.models import User
    from django.test import Client

    user = User.objects.filter(username="a11y-admin").first() or User.objects.create_superuser(
        "a11y-admin", "a11y@example.org", "Sikker-kode-2026", first_name="Anne", last_name="Admin"
    )
    client = Client()
    client.force_login(user)
    context = browser.new_context(bypass_csp=bypass_csp, locale=LOCALE, **options)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    return context


@pytest.fixture
def admin_data(site):
    """The demo content plus one of each thing the admin lists: a preview link, a subscriber,
    a media list with a journalist, a pitch, a version to restore."""
    from newsroom.demo.seed import SEED_SLUG
    from newsroom.models import PressRelease, Subscription
    from organisations.models import Organisation
    from outreach.models import Contact, MediaList, Pitch
    from people.models import Person

    release = PressRelease.objects.get(slug=SEED_SLUG)
    release.lead = release.lead + " "
    release.save()  # a second version in the history
    scheduled = PressRelease.objects.create(
        title="Planlagt nyhed",
        lead="Kommer snart.",
        body="<p>Tekst.</p>",
        status=PressRelease.Status.SCHEDULED,
        publish_at=timezone.now() + datetime.timedelta(days=3),
    )
    from django.contrib.auth.models import User

    from newsroom import services

    issuer = User.objects.create_superuser("issuer", "issuer@example.org", "Sikker-kode-2026")
    link, _url = services.preview_link_issue(
        release=scheduled,
        user=issuer,
        name="Jens Journalist",
        email="jens@example.org",
        outlet="Dagbladet",
    )
    subscription = Subscription.objects.create(email="laeser@example.org", all_releases=True)
    media_list = MediaList.objects.create(name="Socialredaktioner")
    contact = Contact.objects.create(
        name="Jens Journalist", email="jens@example.org", outlet="Dagbladet"
    )
    contact.lists.add(media_list)
    pitch = Pitch.objects.create(release=release, subject="Ny direktør i LOS")
    pitch.lists.add(media_list)
    return {
        "base": site,
        "release": release,
        "version": release.history.last().history_id,
        "link": link,
        "subscription": subscription,
        "person": Person.objects.get(slug="mads-roke-clausen"),
        "organisation": Organisation.objects.get(slug="los"),
        "media_list": media_list,
        "contact": contact,
        "pitch": pitch,
    }


def admin_pages(data):
    """(name, path) of every admin page type."""
    release, person, organisation = data["release"], data["person"], data["organisation"]
    pages = [
        ("dashboard", "/admin/"),
        ("release list", "/admin/newsroom/pressrelease/"),
        ("release add", "/admin/newsroom/pressrelease/add/"),
        ("release change", f"/admin/newsroom/pressrelease/{release.pk}/change/"),
        ("release history", f"/admin/newsroom/pressrelease/{release.pk}/history/"),
        (
            "release restore",
            f"/admin/newsroom/pressrelease/{release.pk}/history/{data['version']}/",
        ),
        ("word import", "/admin/newsroom/pressrelease/import-word/"),
        ("person list", "/admin/people/person/"),
        ("person change", f"/admin/people/person/{person.pk}/change/"),
        ("person history", f"/admin/people/person/{person.pk}/history/"),
        ("organisation list", "/admin/organisations/organisation/"),
        ("organisation change", f"/admin/organisations/organisation/{organisation.pk}/change/"),
        ("board form", f"/admin/people/person/group-positions/?organisation={organisation.pk}"),
        ("preview links", "/admin/newsroom/previewlink/"),
        ("preview link add", "/admin/newsroom/previewlink/add/"),
        ("subscriptions", "/admin/newsroom/subscription/"),
        ("subscription", f"/admin/newsroom/subscription/{data['subscription'].pk}/change/"),
        ("media lists", "/admin/outreach/medialist/"),
        ("media list", f"/admin/outreach/medialist/{data['media_list'].pk}/change/"),
        ("media list import", f"/admin/outreach/medialist/{data['media_list'].pk}/import/"),
        ("journalists", "/admin/outreach/contact/"),
        ("journalist", f"/admin/outreach/contact/{data['contact'].pk}/change/"),
        ("journalist add", "/admin/outreach/contact/add/"),
        ("pitch add", "/admin/outreach/pitch/add/"),
        ("pitch", f"/admin/outreach/pitch/{data['pitch'].pk}/change/"),
        ("topics", "/admin/newsroom/topic/"),
        ("images", "/admin/media/image/"),
        ("media contact", "/admin/media/mediacontact/add/"),
        ("app index", "/admin/newsroom/"),
        ("preview link", f"/admin/newsroom/previewlink/{data['link'].pk}/change/"),
        ("sign-in security", "/admin/account/security/"),
    ]
    return pages


def run_axe(tab, axe_source):
    tab.add_script_tag(content=axe_source)
    return tab.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]


def test_axe_finds_no_violations_on_any_admin_page(browser, admin_data, axe_source):
    base = admin_data["base"]
    found = {}
    # The login page, signed out.
    anonymous = browser.new_context(bypass_csp=True, locale=LOCALE)
    tab = anonymous.new_page()
    tab.goto(f"{base}/admin/login/")
    found["login"] = run_axe(tab, axe_source)
    anonymous.close()

    context = signed_in_context(browser, base)
    tab = context.new_page()
    for name, path in admin_pages(admin_data):
        response = tab.goto(base + path)
        assert response.status == 200, (name, path, response.status)
        found[name] = run_axe(tab, axe_source)

    # The states that come after a submit: each refusal, and the message after a save.
    release = admin_data["release"]
    tab.goto(f"{base}/admin/newsroom/pressrelease/{release.pk}/change/")
    tab.select_option("#id_status", "scheduled")
    tab.fill("#id_publish_at_0", "01.01.2020")
    tab.fill("#id_publish_at_1", "09:00:00")
    tab.click("input[name=_continue]")
    tab.wait_for_selector(".errornote")
    found["release refused"] = run_axe(tab, axe_source)

    tab.goto(f"{base}/admin/people/person/group-positions/")
    tab.click("#content-main input[type=submit]")
    tab.wait_for_selector(".errornote, .errorlist")
    found["board refused"] = run_axe(tab, axe_source)

    tab.goto(f"{base}/admin/newsroom/pressrelease/import-word/")
    tab.click("#content-main input[type=submit]")
    tab.wait_for_selector(".errorlist")
    found["word import refused"] = run_axe(tab, axe_source)

    tab.goto(f"{base}/admin/people/person/{admin_data['person'].pk}/change/")
    tab.click("input[name=_continue]")
    tab.wait_for_selector(".messagelist")
    found["after a save"] = run_axe(tab, axe_source)
    context.close()

    failing = {name: violations for name, violations in found.items() if violations}
    report = "\n".join(
        f"{name}: {len(violations)} violation(s)\n{describe(violations, limit=40)}"
        for name, violations in failing.items()
    )
    print(report)
    assert not failing, report


# --- The barriers of issue 23, one by one. ---------------------------------------------------

FOCUSED_NAME = "() => document.activeElement && document.activeElement.outerHTML.slice(0, 200)"


def label_text(tab, field_id):
    return tab.locator(f"label[for={field_id}]").inner_text().rstrip(":").strip()


def test_fields_are_named_and_described_by_what_is_on_screen(browser, admin_data):
    from playwright.sync_api import expect

    base, release = admin_data["base"], admin_data["release"]
    context = signed_in_context(browser, base, bypass_csp=False)
    tab = context.new_page()
    tab.goto(f"{base}/admin/newsroom/pressrelease/{release.pk}/change/")
    # 1. An autocomplete is named by its label, with a value chosen too; its search box too.
    byline = label_text(tab, "id_byline")
    assert release.byline_id is not None
    by_label = re.compile(f"^{re.escape(byline)}:?$")
    expect(tab.get_by_role("combobox", name=by_label)).to_have_count(1)
    topics = label_text(tab, "id_topics")
    expect(tab.get_by_role("searchbox", name=re.compile(f"^{topics}"))).to_have_count(1)
    tab.get_by_role("combobox", name=by_label).focus()
    tab.keyboard.press("Enter")
    expect(tab.get_by_role("searchbox", name=re.compile(f"^{byline}"))).to_be_focused()
    tab.keyboard.press("Escape")
    # 3. Order and delete boxes of a tabular inline: named by column and row.
    for control in ("#id_image_links-0-order", "#id_image_links-0-DELETE"):
        expect(tab.locator(control)).to_have_accessible_name(re.compile(r"\S+: \S+"))
    # 4. The body editor is named by its label.
    expect(tab.locator(".ck-editor__editable").first).to_have_accessible_name(
        re.compile("^Brødtekst")
    )
    # 11. The title counter is read with the field, and not announced at every key.
    counter = tab.locator("#id_title_charcount")
    assert counter.get_attribute("aria-live") is None
    assert "id_title_charcount" in tab.locator("#id_title").get_attribute("aria-describedby")
    # 11. Neighbouring breadcrumb links that lead to different pages read differently.
    names = [
        link.evaluate("a => a.textContent.trim()") for link in tab.locator(".breadcrumbs a").all()
    ]
    assert len(names) == len(set(names)), names
    # 2. A refused publish time: the error and the zone's help on the date and time boxes.
    tab.select_option("#id_status", "scheduled")
    tab.fill("#id_publish_at_0", "01.01.2020")
    tab.fill("#id_publish_at_1", "09:00:00")
    tab.keyboard.press("Enter")
    tab.wait_for_selector("#id_publish_at_error")
    for box in ("#id_publish_at_0", "#id_publish_at_1"):
        described = tab.locator(box).get_attribute("aria-describedby").split()
        assert {"id_publish_at_helptext", "id_publish_at_error"} <= set(described), described
        for target in described:
            assert tab.locator(f"#{target}").count() == 1, target
        expect(tab.locator(box)).to_have_accessible_description(re.compile("passeret|Dansk tid"))
    # 6. The refusal has the focus, and its summary links to the field.
    assert tab.title().startswith("Fejl:")
    expect(tab.locator(".errornote")).to_be_focused()
    assert tab.locator(".errornote a[href='#id_publish_at_0']").count() == 1

    # 11. The list's thumbnail is no link named "–".
    tab.goto(f"{base}/admin/newsroom/pressrelease/")
    expect(tab.get_by_role("link", name="–", exact=True)).to_have_count(0)
    context.close()

    # 11. The sign-in page has a heading.
    anonymous = browser.new_context(locale=LOCALE)
    login = anonymous.new_page()
    login.goto(f"{base}/admin/login/")
    expect(login.get_by_role("heading", level=1)).to_have_count(1)
    anonymous.close()


def test_the_board_form_and_the_word_import_say_they_refused(browser, admin_data):
    from playwright.sync_api import expect

    base = admin_data["base"]
    context = signed_in_context(browser, base, bypass_csp=False)
    tab = context.new_page()
    tab.goto(f"{base}/admin/people/person/group-positions/")
    # 5. Every help text a field points at exists.
    for field in ("id_start", "id_end", "id_make_public", "id_role-0-start", "id_role-0-end"):
        described = tab.locator(f"#{field}").get_attribute("aria-describedby") or ""
        assert described, field
        for target in described.split():
            assert tab.locator(f"#{target}").count() == 1, (field, target)
    # 1. The board's autocompletes by their labels.
    organisation = re.escape(label_text(tab, "id_organisation"))
    expect(tab.get_by_role("combobox", name=re.compile(f"^{organisation}:?$"))).to_have_count(1)
    # 6. A refusal: "Fejl:" in the title, a summary with the focus, links to the fields.
    tab.fill("#id_role-0-start", "ikke en dato")
    tab.locator("#id_role-0-start").press("Enter")
    tab.wait_for_load_state()
    assert tab.title().startswith("Fejl:"), tab.title()
    expect(tab.locator("#error-summary")).to_be_focused()
    assert tab.locator("#error-summary a[href='#id_role-0-start']").count() == 1
    assert tab.locator("#error-summary a").count() >= 2  # the organisation, the date

    tab.goto(f"{base}/admin/newsroom/pressrelease/import-word/")
    tab.locator("#content-main input[type=submit]").press("Enter")
    tab.wait_for_load_state()
    assert tab.title().startswith("Fejl:"), tab.title()
    expect(tab.locator("#error-summary")).to_be_focused()
    assert tab.locator("#error-summary a[href='#id_document']").count() == 1
    context.close()


def test_a_save_is_announced_and_a_new_row_gets_the_focus(browser, admin_data):
    from playwright.sync_api import expect

    base, person = admin_data["base"], admin_data["person"]
    context = signed_in_context(browser, base, bypass_csp=False)
    tab = context.new_page()
    tab.goto(f"{base}/admin/people/person/{person.pk}/change/")
    tab.locator("#id_name").press("Enter")
    tab.wait_for_load_state()
    # 6. The message list is a status (an alert for a warning) and has the focus.
    region = tab.locator(".messages-region")
    assert region.get_attribute("role") in ("status", "alert")
    expect(region).to_be_focused()
    expect(region.locator("ul.messagelist")).to_have_count(1)

    # 8. Adding an inline row puts the focus on its first field.
    release = admin_data["release"]
    tab.goto(f"{base}/admin/newsroom/pressrelease/{release.pk}/change/")
    add = tab.locator("#person_links-group .add-row a")
    add.focus()
    tab.keyboard.press("Enter")
    new_row = tab.locator("#person_links-group tr.form-row:not(.empty-form)").last
    expect(new_row.locator(".select2-selection")).to_be_focused()
    expect(new_row.locator(".select2-selection")).to_have_accessible_name(re.compile(r"\S"))
    context.close()


def test_tab_leaves_the_editor_after_a_table(browser, admin_data):
    base = admin_data["base"]
    context = signed_in_context(browser, base, bypass_csp=False)
    tab = context.new_page()
    tab.goto(f"{base}/admin/newsroom/pressrelease/add/")
    tab.wait_for_selector(".ck-editor__editable")
    tab.evaluate(
        """() => Object.values(window.editors)[0].setData(
            '<p>Tekst</p><figure class="table"><table><tbody><tr><td>a</td><td>b</td></tr>'
            + '</tbody></table></figure>')"""
    )
    # The cursor at the end of the table's last cell, as typing there leaves it.
    tab.evaluate(
        """() => { const editor = Object.values(window.editors)[0];
        const table = editor.model.document.getRoot().getChild(1);
        const row = table.getChild(table.childCount - 1);
        const cell = row.getChild(row.childCount - 1);
        editor.model.change(w => w.setSelection(w.createPositionAt(cell.getChild(0), 'end')));
        editor.editing.view.focus(); }"""
    )
    rows_before = tab.locator(".ck-editor__editable tr").count()
    tab.keyboard.press("Tab")
    assert tab.locator(".ck-editor__editable tr").count() == rows_before
    outside = tab.evaluate(
        "() => !document.activeElement.closest('.ck-editor') && document.activeElement.tagName"
    )
    assert outside, tab.evaluate(FOCUSED_NAME)
    context.close()


def test_focus_is_clearly_visible_on_select2_multiple(browser, admin_data):
    base, release = admin_data["base"], admin_data["release"]
    context = signed_in_context(browser, base, bypass_csp=False)
    tab = context.new_page()
    tab.goto(f"{base}/admin/newsroom/pressrelease/{release.pk}/change/")
    search = tab.get_by_role("searchbox", name=re.compile("^" + label_text(tab, "id_topics")))
    search.focus()
    outline = tab.locator("#id_topics + .select2 .select2-selection").evaluate(
        "el => [getComputedStyle(el).outlineStyle, parseFloat(getComputedStyle(el).outlineWidth)]"
    )
    assert outline[0] != "none" and outline[1] >= 2, outline
    context.close()


@pytest.mark.parametrize("which", ["dashboard", "history"])
def test_no_sideways_scrolling_at_320px(browser, admin_data, which):
    base, release = admin_data["base"], admin_data["release"]
    context = signed_in_context(
        browser, base, bypass_csp=False, viewport={"width": NARROW, "height": 720}
    )
    tab = context.new_page()
    path = (
        "/admin/"
        if which == "dashboard"
        else (f"/admin/newsroom/pressrelease/{release.pk}/history/")
    )
    tab.goto(base + path)
    width = tab.evaluate("document.documentElement.scrollWidth")
    widest = tab.evaluate(WIDEST_ELEMENTS, NARROW) if width > NARROW else []
    context.close()
    assert width <= NARROW, "\n".join(widest)


def tab_to(tab, test: str, limit: int = 120) -> None:
    """Press Tab until the focused element passes `test` (JavaScript, given the element)."""
    for _ in range(limit):
        if tab.evaluate(f"() => {{ const el = document.activeElement; return !!({test}); }}"):
            return
        tab.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {test}; at {tab.evaluate(FOCUSED_NAME)}")


def search_autocomplete(tab, typed: str, chosen: str) -> None:
    """Open the focused autocomplete with Enter, type once its search box has the focus (as a
    person waits for it), and take the answer that is highlighted once it reads `chosen`."""
    tab.keyboard.press("Enter")
    tab.wait_for_function("() => document.activeElement.matches('.select2-search__field')")
    tab.keyboard.type(typed)
    tab.wait_for_selector(
        f".select2-results__option--highlighted:has-text('{chosen}')", state="visible"
    )
    tab.keyboard.press("Enter")


def test_a_release_written_scheduled_and_published_by_keyboard_alone(browser, site):
    from django.contrib.auth.models import User

    from newsroom.models import PressRelease

    User.objects.create_superuser("tastatur", "tastatur@example.org", "Sikker-kode-2026")
    context = browser.new_context(locale=LOCALE, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15000)
    clicks = []
    tab.expose_function("reportClick", lambda detail: clicks.append(detail))
    # A click by mouse has a click count (detail); Enter on a link or a button has none.
    tab.add_init_script(
        "document.addEventListener('click', e => {"
        " if (e.detail > 0) window.reportClick(e.detail); }, true)"
    )
    tab.goto(f"{site}/admin/login/")
    tab.keyboard.type("tastatur")  # the user name has the focus
    tab.keyboard.press("Tab")
    tab.keyboard.type("Sikker-kode-2026")
    tab.keyboard.press("Enter")
    tab.wait_for_url(f"{site}/admin/")

    tab.goto(f"{site}/admin/newsroom/pressrelease/add/")
    tab.keyboard.type("Tastaturet skriver en pressemeddelelse")  # the title has the focus
    tab_to(tab, "el.id === 'id_lead'")
    tab.keyboard.type("Skrevet uden en mus.")
    tab_to(tab, "el.matches('.ck-editor__editable')")
    tab.keyboard.type("# Overskriften")  # CKEditor's autoformat: a heading
    tab.keyboard.press("Enter")
    tab.keyboard.type("- første punkt")
    tab.keyboard.press("Enter")
    tab.keyboard.type("andet punkt")
    tab.keyboard.press("Enter")
    tab.keyboard.press("Enter")
    tab.keyboard.type("LOS' hjemmeside")
    tab.keyboard.press("Shift+Home")
    tab.keyboard.press("Control+k")
    tab.keyboard.type("https://www.los.dk/")
    tab.keyboard.press("Enter")
    tab.keyboard.press("End")
    # With the cursor in the link, Tab goes to the link's balloon, and from there to the next
    # field, not round the page from its top.
    tab_to(tab, "el.matches('.select2-selection') && el.closest('.field-byline')", limit=3)
    search_autocomplete(tab, "LOS", "LOS – Landsorganisationen")
    tab_to(tab, "el.closest('#person_links-group .add-row')")
    tab.keyboard.press("Enter")  # a new row; the focus goes to its person
    tab.wait_for_function(
        "() => document.activeElement.matches('#person_links-group .select2-selection')"
    )
    search_autocomplete(tab, "Mads", "Mads Roke Clausen")
    tab_to(tab, "el.id === 'id_status'")
    for _ in range(5):
        if tab.evaluate("() => document.activeElement.value") == "scheduled":
            break
        tab.keyboard.press("ArrowDown")
    tomorrow = timezone.localtime(timezone.now() + datetime.timedelta(days=1))
    tab_to(tab, "el.id === 'id_publish_at_0'")
    tab.keyboard.press("Control+a")
    tab.keyboard.type(tomorrow.strftime("%d.%m.%Y"))
    tab_to(tab, "el.id === 'id_publish_at_1'")
    tab.keyboard.press("Control+a")
    tab.keyboard.type("09:00:00")
    tab.keyboard.press("Enter")  # Save
    tab.wait_for_url(f"{site}/admin/newsroom/pressrelease/")

    release = PressRelease.objects.get(title="Tastaturet skriver en pressemeddelelse")
    assert release.status == PressRelease.Status.SCHEDULED
    assert "<h2>Overskriften</h2>" in release.body
    assert "<li>første punkt</li>" in release.body.replace("<p>", "").replace("</p>", "")
    assert 'href="https://www.los.dk/"' in release.body
    assert release.byline is not None and release.byline.slug == "los"
    assert [person.name for person in release.people.all()] == ["Mads Roke Clausen"]

    # Published from the list: its box, the action, "Udfør".
    tab_to(tab, f"el.matches('input.action-select[value=\"{release.pk}\"]')")
    tab.keyboard.press("Space")
    tab_to(tab, "el.matches('select[name=action]')")
    for _ in range(8):
        if tab.evaluate("() => document.activeElement.value") == "publish_now":
            break
        tab.keyboard.press("ArrowDown")
    tab_to(tab, "el.matches('button[name=index], .actions button')")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    release.refresh_from_db()
    assert release.is_published, tab.locator("#content").inner_text()[:500]
    assert clicks == []
    context.close()
