"""Issue 18: a second factor for staff. A stolen password is not enough.

The suite runs with the second factor off (tests/settings.py); these tests turn it on.
"""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Sikker-kode-2026"


@pytest.fixture(autouse=True)
def second_factor_required():
    with override_settings(NEWSROOM_REQUIRE_MFA=True):
        yield


def make_staff(username="udgiver", role="Publisher"):
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


def with_app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    number = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{number:0{device.digits}d}"


def sign_in_with_password(client, username="udgiver", next_url="/admin/"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": PASSWORD, "next": next_url},
    )


def html_of(response) -> str:
    return response.content.decode()


def test_a_password_alone_reaches_no_admin_page(client, seed_release):
    user = make_staff()
    device = with_app(user)
    response = sign_in_with_password(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify") + "?next=%2Fadmin%2F"
    assert client.session["_auth_user_id"] == str(user.pk)  # the password was right
    staff_only = [
        reverse("admin:index"),
        reverse("admin:newsroom_pressrelease_changelist"),
        reverse("admin:newsroom_pressrelease_change", args=[seed_release.pk]),
        reverse("admin:auth_user_changelist"),
        reverse("admin:password_change"),
        reverse("accounts:security"),
        reverse("newsroom:release-preview", args=[seed_release.pk]),
    ]
    for url in staff_only:
        answer = client.get(url)
        assert answer.status_code == 302, url
        assert answer["Location"].startswith(reverse("admin:login")), url
        # ... and the login page sends a half-signed-in user on to the second step.
        onward = client.get(answer["Location"])
        assert onward["Location"].startswith(reverse("accounts:verify")), url
    upload = client.post(reverse("editor-image-upload"), {})
    assert upload.status_code == 403
    # The admin's own check, whatever the middleware does.
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    user.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    user.is_verified = lambda: True
    assert admin.site.has_permission(request)
    # The code opens them, in a new session key.
    half_signed_in_key = client.session.session_key
    done = client.post(reverse("accounts:verify"), {"code": code_for(device), "next": "/admin/"})
    assert done["Location"] == "/admin/"
    assert client.session.session_key != half_signed_in_key
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:newsroom_pressrelease_changelist")).status_code == 200


def test_a_draft_is_not_previewed_on_the_password_alone(client):
    """Staff-only views outside the admin (here the release preview) see a session that has
    not passed the second step as anonymous."""
    from tests.factories import PressReleaseFactory

    draft = PressReleaseFactory(draft=True, title="Hemmelig kladde om fusionen")
    user = make_staff()
    device = with_app(user)
    sign_in_with_password(client)
    preview = reverse("newsroom:release-preview", args=[draft.pk])
    response = client.get(preview, follow=True)
    assert "Hemmelig kladde" not in html_of(response)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:verify"))
    client.post(reverse("accounts:verify"), {"code": code_for(device)})
    assert "Hemmelig kladde" in html_of(client.get(preview))


def test_first_sign_in_enrols_an_app_then_shows_ten_recovery_codes_once(client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    user = make_staff()
    response = sign_in_with_password(client)
    step = client.get(response["Location"])
    assert step["Location"] == reverse("accounts:setup") + "?next=%2Fadmin%2F"
    setup = client.get(step["Location"])
    html = html_of(setup)
    assert setup.status_code == 200 and "no-store" in setup["Cache-Control"]
    assert 'src="data:image/svg+xml' in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert second_factor.secret(device) in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert 'for="id_code"' in html
    assert 'aria-describedby="id_code_helptext"' in html
    # Reloading keeps the same secret (a scanned QR code stays good).
    assert second_factor.secret(device) in html_of(client.get(step["Location"]))
    assert TOTPDevice.objects.filter(user=user).count() == 1
    # A wrong code is refused, the message tied to the field.
    wrong = client.post(step["Location"], {"code": "000000"})
    html = html_of(wrong)
    assert wrong.status_code == 200
    assert 'id="id_code_error"' in html
    assert re.search(r'aria-describedby="id_code_helptext id_code_error"', html)
    assert 'aria-invalid="true"' in html
    assert not user.totpdevice_set.filter(confirmed=True).exists()
    time_machine.shift(timedelta(seconds=2))  # past django-otp's one-second wait
    confirmed = client.post(step["Location"], {"code": code_for(device), "next": "/admin/"})
    assert confirmed["Location"] == reverse("accounts:recovery-codes") + "?next=%2Fadmin%2F"
    device.refresh_from_db()
    assert device.confirmed
    codes_page = client.get(confirmed["Location"])
    assert "no-store" in codes_page["Cache-Control"]
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", html_of(codes_page))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert 'href="/admin/"' in html_of(codes_page)
    # Shown once: the next visit has them no more.
    again = client.get(confirmed["Location"])
    assert again.status_code == 302
    assert not set(codes) & set(re.findall(r"[a-z2-7]{4}-[a-z2-7]{4}", html_of(again)))
    # The session is verified: the admin opens.
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_user_with_a_device_cannot_enrol_another_with_the_password_alone(client):
    user = make_staff()
    with_app(user)
    sign_in_with_password(client)
    response = client.get(reverse("accounts:setup"))
    assert response["Location"].startswith(reverse("accounts:verify"))
    response = client.post(reverse("accounts:setup"), {"code": "123456"})
    assert response["Location"].startswith(reverse("accounts:verify"))
    assert TOTPDevice.objects.filter(user=user).count() == 1
    # Nor add a passkey.
    begin = client.post(
        reverse("otp_webauthn:credential-registration-begin"), content_type="application/json"
    )
    assert begin.status_code == 403


def test_signing_in_with_a_code_from_the_app(client):
    user = make_staff()
    device = with_app(user)
    response = sign_in_with_password(client, next_url="/admin/newsroom/pressrelease/")
    page = client.get(response["Location"])
    html = html_of(page)
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    done = client.post(
        response["Location"], {"code": code_for(device), "next": "/admin/newsroom/pressrelease/"}
    )
    assert done["Location"] == "/admin/newsroom/pressrelease/"
    assert client.session["otp_device_id"] == device.persistent_id
    # The same code is never taken twice.
    other = Client()
    sign_in_with_password(other)
    replay = other.post(reverse("accounts:verify"), {"code": code_for(device)})
    assert replay.status_code == 200 and 'id="id_code_error"' in html_of(replay)


def test_a_next_address_elsewhere_is_not_followed(client):
    user = make_staff()
    device = with_app(user)
    sign_in_with_password(client)
    done = client.post(
        reverse("accounts:verify"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert done["Location"] == "/admin/"


def test_a_recovery_code_works_once(client):
    user = make_staff()
    with_app(user)
    codes = second_factor.new_recovery_codes(user)
    sign_in_with_password(client)
    page = html_of(client.get(reverse("accounts:verify")))
    assert 'name="recovery_code"' in page
    done = client.post(
        reverse("accounts:verify"), {"recovery_code": codes[0].upper(), "next": "/admin/"}
    )
    assert done["Location"] == "/admin/"
    assert StaticToken.objects.filter(device__user=user).count() == 9
    dashboard = html_of(client.get("/admin/", follow=True))
    assert "9" in dashboard  # the message says how many are left
    # Used up: a second sign-in with the same code is refused.
    other = Client()
    sign_in_with_password(other)
    again = other.post(reverse("accounts:verify"), {"recovery_code": codes[0]})
    html = html_of(again)
    assert again.status_code == 200 and 'id="id_recovery_code_error"' in html
    assert 'aria-describedby="id_recovery_code_helptext id_recovery_code_error"' in html
    assert "_auth_user_id" in other.session and "otp_device_id" not in other.session
    assert other.get("/admin/").status_code == 302


def test_wrong_codes_are_throttled_and_then_locked_for_an_hour(client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    user = make_staff()
    device = with_app(user)
    StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    sign_in_with_password(client)
    verify = reverse("accounts:verify")
    first = client.post(verify, {"code": "000000"})
    assert "ikke rigtig" in html_of(first)
    # django-otp's throttle: the next try within a second waits, even with the right code.
    hurried = client.post(verify, {"code": code_for(device)})
    assert "Vent 1 sekund" in html_of(hurried)
    assert "otp_device_id" not in client.session
    # Four more wrong codes (app and recovery codes together), waiting each time.
    for attempt in range(4):
        time_machine.shift(timedelta(seconds=2**attempt + 1))
        field = "recovery_code" if attempt % 2 else "code"
        client.post(verify, {field: "00000000" if attempt % 2 else "000000"})
    time_machine.shift(timedelta(seconds=60))
    locked = client.post(verify, {"code": code_for(device)})
    html = html_of(locked)
    assert "For mange forkerte koder" in html and "låst" in html
    assert 'id="id_code_error"' in html
    assert "otp_device_id" not in client.session
    assert second_factor.locked_until(user) is not None
    # Another session (the password again) is locked just the same.
    other = Client()
    sign_in_with_password(other)
    assert "låst" in html_of(other.post(verify, {"code": code_for(device)}))
    # After the hour the right code works, and the count starts again.
    time_machine.shift(timedelta(hours=1))
    done = client.post(verify, {"code": code_for(device), "next": "/admin/"})
    assert done["Location"] == "/admin/"
    assert second_factor.locked_until(user) is None
    assert all(d.throttling_failure_count == 0 for d in second_factor._code_devices(user))


def test_the_messages_are_in_english_in_the_english_admin(client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    user = make_staff()
    with_app(user)
    sign_in_with_password(client)
    client.post(reverse("accounts:verify"), {"code": "000000"})
    hurried = client.post(reverse("accounts:verify"), {"code": "000000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many wrong codes. Wait 1 second and try again." in html_of(hurried)
    page = client.get(reverse("accounts:verify"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Code from your authenticator app" in html_of(page)
    dansk = html_of(client.get(reverse("accounts:verify"), HTTP_ACCEPT_LANGUAGE="da"))
    assert "Kode fra din godkendelsesapp" in dansk


def test_the_security_page_makes_new_recovery_codes_and_offers_passkeys(client):
    user = make_staff()
    device = with_app(user)
    old = second_factor.new_recovery_codes(user)
    sign_in_with_password(client)
    client.post(reverse("accounts:verify"), {"code": code_for(device)})
    page = client.get(reverse("accounts:security"))
    html = html_of(page)
    assert page.status_code == 200
    assert "10" in html
    assert 'id="passkey-registration-placeholder"' not in html  # http://testserver: no passkeys
    admin_page = html_of(client.get(reverse("admin:index")))
    assert f'href="{reverse("accounts:security")}"' in admin_page
    made = client.post(reverse("accounts:security"), {"action": "recovery-codes"})
    shown = html_of(client.get(made["Location"]))
    new = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", shown)
    assert len(new) == 10 and not set(new) & set(old)
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert not StaticToken.objects.filter(token=old[0].replace("-", "")).exists()


def test_passkeys_are_offered_on_https_with_scripts_from_our_own_origin(client, settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://localhost"]
    user = make_staff()
    device = with_app(user)
    client.defaults["HTTP_HOST"] = "localhost"
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    sign_in_with_password(client)
    client.post(reverse("accounts:verify"), {"code": code_for(device)})
    response = client.get(reverse("accounts:security"))
    html = html_of(response)
    assert 'id="passkey-registration-placeholder"' in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert (
            'type="application/json"' in tag
            or 'src="/static/' in tag
            or 'src="/admin/second-factor/passkeys/jsi18n/"' in tag
        ), tag
    script_src = response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    assert "'unsafe-inline'" not in script_src and "'nonce-" in script_src
    begin = client.post(
        reverse("otp_webauthn:credential-registration-begin"), content_type="application/json"
    )
    assert begin.status_code == 200 and begin.json()["rp"]["id"] == "localhost"
    catalog = client.get(reverse("otp_webauthn:js-i18n-catalog"), HTTP_ACCEPT_LANGUAGE="da")
    assert "Tilf\\u00f8j en adgangsn\\u00f8gle" in catalog.content.decode() or (
        "Tilføj en adgangsnøgle" in catalog.content.decode()
    )


def test_with_the_second_factor_off_the_password_is_enough(client):
    make_staff()
    with override_settings(NEWSROOM_REQUIRE_MFA=False):
        response = sign_in_with_password(client)
        assert response["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200


def settings_in_a_fresh_process(**env) -> str:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env}
    for name in ("NEWSROOM_REQUIRE_MFA", "DATABASE_URL"):
        if name not in env:
            environment.pop(name, None)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.NEWSROOM_REQUIRE_MFA)",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_required_without_debug_and_the_make_run_demo_stays_password_only(tmp_path):
    data = str(tmp_path)
    assert settings_in_a_fresh_process(DEBUG="1", DATA_DIR=data) == "False"
    assert settings_in_a_fresh_process(DEBUG="1", NEWSROOM_REQUIRE_MFA="1", DATA_DIR=data) == (
        "True"
    )
    assert settings_in_a_fresh_process(DEBUG="", DATA_DIR=data) == "True"
    assert settings_in_a_fresh_process(DEBUG="0", NEWSROOM_REQUIRE_MFA="0", DATA_DIR=data) == (
        "False"
    )


def test_check_deploy_warns_when_the_second_factor_is_off(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "production-like-secret-key-for-the-check-0123456789",
        "ALLOWED_HOSTS": "presse.example.dk",
        "SITE_URL": "https://presse.example.dk",
        "HTTPS": "1",
        "DATA_DIR": str(tmp_path),
        "NEWSROOM_REQUIRE_MFA": "0",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "accounts.W001" in result.stdout + result.stderr


def test_createstaff_and_ensure_staff_users_enrol_at_their_first_sign_in(
    client, monkeypatch, settings, tmp_path, capsys
):
    settings.DATA_DIR = tmp_path
    monkeypatch.setenv("NEWSROOM_STAFF_PASSWORD", PASSWORD)
    call_command("createstaff", "ny@example.org", "--role", "editor")
    monkeypatch.setenv("NEWSROOM_ADMIN_PASSWORD", PASSWORD)
    call_command("ensure_staff", "--username", "chef")
    out = capsys.readouterr().out
    assert "second factor" in out
    for username in ("ny@example.org", "chef"):
        visitor = Client()
        response = sign_in_with_password(visitor, username=username)
        step = visitor.get(response["Location"])
        assert step["Location"].startswith(reverse("accounts:setup")), username
        assert visitor.get(step["Location"]).status_code == 200


def test_signing_out_from_the_second_step_ends_the_session(client):
    user = make_staff()
    with_app(user)
    sign_in_with_password(client)
    response = client.post(reverse("accounts:sign-out"))
    assert response["Location"] == reverse("admin:login")
    assert "_auth_user_id" not in client.session
