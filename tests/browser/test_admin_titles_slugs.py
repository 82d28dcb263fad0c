"""Issue 9, items 5-7, in Chromium under the site's CSP: the title's character counter, a too
long title refused (never cut), the slug the browser fills matching the server's Danish rule
on every form with a prepopulated slug, and a repeated title getting a free address."""

import re

import pytest
from django.contrib.auth.models import User

from common.slugs import slugify_da
from newsroom.models import PressRelease
from tests.browser.test_richtext_paste import log_in
from tests.factories import PressReleaseFactory

pytestmark = pytest.mark.browser

DANISH_TITLE = "Øresundsbroen på 25 år: Ærø, Åbenrå og Æblegården – MØDE i Århus"


def typing(page, selector, text):
    """Type as a person does. Playwright inserts letters like ø without key events, so a
    last key (End) gives Django's prepopulate the keyup a real keyboard would."""
    field = page.locator(selector)
    field.press_sequentially(text)
    field.press("End")


def watch_csp(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def test_title_counter_and_a_too_long_title_refused(browser, publisher_login):
    base, username, password = publisher_login
    context, page = log_in(browser, base, username, password)
    csp = watch_csp(page)
    page.goto(f"{base}/admin/newsroom/pressrelease/add/")
    counter = page.locator("#id_title_charcount")
    assert counter.inner_text() == "0 af 300 tegn"
    page.locator("#id_title").press_sequentially("Ny direktør")
    assert counter.inner_text() == "11 af 300 tegn"

    long_title = ("Samskabelse på det sociale område " * 10).strip()  # 339 characters
    page.fill("#id_title", long_title)
    assert page.input_value("#id_title") == long_title  # not cut by the browser
    assert (
        counter.inner_text() == f"{len(long_title)} af 300 tegn: {len(long_title) - 300} for mange"
    )
    page.fill("#id_lead", "Indledning.")
    page.locator(".ck-editor__editable").first.click()
    page.keyboard.type("Brødtekst.")
    page.click("input[name=_save]")
    error = page.locator(".field-title .errorlist")
    error.wait_for()
    assert "300" in error.inner_text() and str(len(long_title)) in error.inner_text()
    # What was typed is still there to shorten, and the counter says by how much.
    assert page.input_value("#id_title") == long_title
    assert "39 for mange" in page.locator("#id_title_charcount").inner_text()
    assert not PressRelease.objects.exists()
    assert csp == []
    context.close()


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("/admin/newsroom/pressrelease/add/", "#id_title"),
        ("/admin/newsroom/topic/add/", "#id_name"),
        ("/admin/people/person/add/", "#id_name"),
        ("/admin/organisations/organisation/add/", "#id_short_name"),
    ],
)
def test_the_browser_fills_the_same_danish_slug_as_the_server(
    browser,
    publisher_login,
    path,
    source,
):
    base, _username, password = publisher_login
    User.objects.filter(username="udgiver").update(is_superuser=True)
    context, page = log_in(browser, base, "udgiver", password)
    csp = watch_csp(page)
    page.goto(f"{base}{path}")
    typing(page, source, DANISH_TITLE)
    typed = page.input_value(source)  # an organisation's short name is cut at its length
    assert page.input_value("#id_slug") == slugify_da(typed)
    assert slugify_da(DANISH_TITLE) == (
        "oeresundsbroen-paa-25-aar-aeroe-aabenraa-og-aeblegaarden-moede-i-aarhus"
    )
    assert csp == []
    context.close()


def test_a_repeated_title_gets_a_free_address_with_a_message(browser, publisher_login):
    base, username, password = publisher_login
    PressReleaseFactory(title="Ny direktør på Ærø", draft=True)
    context, page = log_in(browser, base, username, password)
    page.goto(f"{base}/admin/newsroom/pressrelease/add/")
    typing(page, "#id_title", "Ny direktør på Ærø")
    assert page.input_value("#id_slug") == "ny-direktoer-paa-aeroe"  # taken, as prefilled
    page.fill("#id_lead", "Indledning.")
    page.locator(".ck-editor__editable").first.click()
    page.keyboard.type("Brødtekst.")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/admin/newsroom/pressrelease/$"))
    warning = page.locator(".messagelist .warning").inner_text()
    assert warning == (
        "Adressen “ny-direktoer-paa-aeroe” var allerede brugt af “Ny direktør på Ærø”, "
        "så denne fik adressen “ny-direktoer-paa-aeroe-2”."
    )
    assert sorted(PressRelease.objects.values_list("slug", flat=True)) == [
        "ny-direktoer-paa-aeroe",
        "ny-direktoer-paa-aeroe-2",
    ]

    # A slug typed by hand that is taken is an error, not a silent change.
    page.goto(f"{base}/admin/newsroom/pressrelease/add/")
    typing(page, "#id_title", "Noget andet")
    assert page.input_value("#id_slug") == "noget-andet"
    page.fill("#id_slug", "ny-direktoer-paa-aeroe")
    page.fill("#id_lead", "Indledning.")
    page.locator(".ck-editor__editable").first.click()
    page.keyboard.type("Brødtekst.")
    page.click("input[name=_save]")
    error = page.locator(".field-slug .errorlist")
    error.wait_for()
    assert error.inner_text() == (
        "Adressen “ny-direktoer-paa-aeroe” bruges allerede af “Ny direktør på Ærø”. "
        "Vælg en anden, eller tøm feltet for at få lavet en ledig."
    )
    context.close()
