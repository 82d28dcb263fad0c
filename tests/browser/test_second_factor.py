"""Issue 18 in Chromium: staff sign in with a password and a second factor.

The first sign-in sets up the authenticator app from the key on the page; the next one takes
the password, then the code the app would show; a passkey (Chromium's virtual authenticator)
is added on the security page and then signs in instead of the code.
"""

import re
from base64 import b32decode
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.support import LOCALE, csp_violations, node_file

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def second_factor_required():
    with override_settings(NEWSROOM_REQUIRE_MFA=True):
        yield


def code_from_secret(secret: str) -> str:
    """What an authenticator app shows for the key typed from the setup page."""
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def open_tab(browser):
    context = browser.new_context(locale=LOCALE, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def password_step(page, base, username, password):
    page.goto(f"{base}/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


def test_a_publisher_signs_in_with_the_password_then_a_code(browser, publisher_login):
    base, username, password = publisher_login
    device = TOTPDevice.objects.create(
        user=User.objects.get(username=username), name="Authenticator app", confirmed=True
    )
    context, page = open_tab(browser)
    refused = csp_violations(page)
    password_step(page, base, username, password)
    page.wait_for_url(re.compile(r".*/admin/second-factor/\?next=%2Fadmin%2F$"))
    # The password alone opens nothing.
    page.goto(f"{base}/admin/newsroom/pressrelease/")
    page.wait_for_url(re.compile(r".*/admin/second-factor/.*"))
    field = page.get_by_label("Kode fra din godkendelsesapp")
    assert field.get_attribute("autocomplete") == "one-time-code"
    assert field.get_attribute("inputmode") == "numeric"
    field.fill("000000")
    page.get_by_role("button", name="Bekræft").click()
    error = page.locator("#id_code_error")
    assert "Koden er ikke rigtig" in error.inner_text()
    assert "id_code_error" in field.get_attribute("aria-describedby")
    page.wait_for_timeout(1100)  # django-otp's wait after a wrong code
    page.get_by_label("Kode fra din godkendelsesapp").fill(code_for(device))
    page.get_by_role("button", name="Bekræft").click()
    page.wait_for_url(f"{base}/admin/newsroom/pressrelease/")
    page.goto(f"{base}/admin/")
    assert page.get_by_role("link", name="Pressemeddelelser").first.is_visible()
    assert page.get_by_role("link", name="Login-sikkerhed").is_visible()
    assert refused == []
    context.close()


def test_the_first_sign_in_sets_up_the_app_and_shows_recovery_codes(
    browser, editor_login, time_machine
):
    base, username, password = editor_login
    context, page = open_tab(browser)
    refused = csp_violations(page)
    password_step(page, base, username, password)
    page.wait_for_url(re.compile(r".*/admin/second-factor/setup/.*"))
    qr_code = page.get_by_role("img", name=re.compile("QR-kode til godkendelsesappen"))
    assert qr_code.get_attribute("src").startswith("data:image/svg+xml")
    assert qr_code.evaluate("img => img.complete && img.naturalWidth > 0")
    secret = page.locator("#secret").inner_text()
    page.get_by_label("Kode fra din godkendelsesapp").fill(code_from_secret(secret))
    page.get_by_role("button", name="Bekræft").click()
    page.wait_for_url(re.compile(r".*/admin/second-factor/recovery-codes/.*"))
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="Jeg har gemt dem: fortsæt").click()
    page.wait_for_url(f"{base}/admin/")
    assert page.get_by_role("link", name="Pressemeddelelser").first.is_visible()
    context.close()

    # The next sign-in (the app has moved on to its next code) asks for the code.
    time_machine.move_to(timezone.now() + timedelta(seconds=31))
    context, page = open_tab(browser)
    password_step(page, base, username, password)
    page.wait_for_url(re.compile(r".*/admin/second-factor/\?.*"))
    page.get_by_label("Kode fra din godkendelsesapp").fill(code_from_secret(secret))
    page.get_by_role("button", name="Bekræft").click()
    page.wait_for_url(f"{base}/admin/")
    assert refused == []
    context.close()


def test_a_passkey_added_on_the_security_page_signs_in_instead_of_the_code(
    browser, publisher_login, live_server, settings
):
    base, username, password = publisher_login
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [base]
    device = TOTPDevice.objects.create(
        user=User.objects.get(username=username), name="Authenticator app", confirmed=True
    )
    context, page = open_tab(browser)
    refused = csp_violations(page)
    client = context.new_cdp_session(page)
    client.send("WebAuthn.enable")
    client.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    password_step(page, base, username, password)
    page.wait_for_url(re.compile(r".*/admin/second-factor/.*"))
    page.get_by_label("Kode fra din godkendelsesapp").fill(code_for(device))
    page.get_by_role("button", name="Bekræft").click()
    page.wait_for_url(f"{base}/admin/")
    page.get_by_role("link", name="Login-sikkerhed").click()
    page.get_by_role("button", name="Tilføj en adgangsnøgle").click()
    page.locator("#passkey-register-status-message").filter(
        has_text="Adgangsnøglen er tilføjet!"
    ).wait_for()
    page.reload()
    assert page.locator(".security-page table tbody tr").count() == 1
    page.get_by_role("button", name="Log ud").click()

    password_step(page, base, username, password)
    page.wait_for_url(re.compile(r".*/admin/second-factor/.*"))
    page.get_by_role("button", name="Log ind med en adgangsnøgle").click()
    page.wait_for_url(f"{base}/admin/")
    assert page.get_by_role("link", name="Pressemeddelelser").first.is_visible()
    assert refused == []
    context.close()


def test_the_second_step_pages_pass_axe(browser, editor_login):
    from tests.browser.test_accessibility import AXE_OPTIONS, describe

    axe = node_file("axe-core/axe.min.js").read_text(encoding="utf-8")
    base, username, password = editor_login
    # The site's CSP would refuse the injected axe script.
    context = browser.new_context(locale=LOCALE, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    password_step(page, base, username, password)
    page.wait_for_url(re.compile(r".*/admin/second-factor/setup/.*"))
    # The setup page with an error showing, then the code step.
    page.get_by_label("Kode fra din godkendelsesapp").fill("000000")
    page.get_by_role("button", name="Bekræft").click()
    page.locator("#id_code_error").wait_for()
    found = {}
    page.add_script_tag(content=axe)
    found["setup"] = page.evaluate("o => axe.run(document, o)", AXE_OPTIONS)["violations"]
    TOTPDevice.objects.filter(user__username=username).update(confirmed=True)
    page.goto(f"{base}/admin/second-factor/")
    page.add_script_tag(content=axe)
    found["verify"] = page.evaluate("o => axe.run(document, o)", AXE_OPTIONS)["violations"]
    context.close()
    assert not any(found.values()), "\n".join(
        f"{name}:\n{describe(violations)}" for name, violations in found.items() if violations
    )
