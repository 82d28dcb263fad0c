"""The staff side, WCAG 2.2 AA: axe-core on every admin page type (and on the states a press
officer meets: a refused time, a refused board, a refused Word file, the message after a save),
and the barriers of issue 23 one by one, in a real Chromium."""

import datetime

import pytest
from django.utils import timezone

from tests.browser.support import LOCALE, node_file
from tests.browser.test_accessibility import AXE_OPTIONS, describe

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
