"""The second factor: who needs it, enrolment, recovery codes, checking a code, the lockout.

django-otp keeps the devices: a TOTP device (the authenticator app), a static device holding
the recovery codes (each deleted when used) and django-otp-webauthn's passkeys. A session is
verified once `django_otp.login` has stored the device that passed.
"""

import math
import re
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime, timedelta

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
# Device names are data, shown in the admin's device lists.
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def required() -> bool:
    """Whether staff must pass a second factor (settings.NEWSROOM_REQUIRE_MFA)."""
    return bool(getattr(settings, "NEWSROOM_REQUIRE_MFA", False))


def is_verified(user) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())


def passed(request) -> bool:
    """The request's user needs no (further) second step: not required, or verified."""
    return not required() or is_verified(request.user)


def has_device(user) -> bool:
    """The user has finished enrolment: a confirmed app, passkey or recovery codes."""
    return user_has_device(user, confirmed=True)


def confirmed_app(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def passkeys(user):
    from django_otp_webauthn.utils import get_credential_model

    return get_credential_model().objects.filter(user=user, confirmed=True).order_by("pk")


# Enrolment ---------------------------------------------------------------------------------


def pending_app(user) -> TOTPDevice:
    """The authenticator app being set up: the same secret until it is confirmed, so reloading
    the page does not change the QR code that may already be scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def secret(device: TOTPDevice) -> str:
    """The key as an app asks to have it typed: base32 in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG data URI (the CSP allows data: images, no scripts)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def confirm_app(request, device: TOTPDevice, code: str) -> bool:
    """Confirm the app with a code it shows. On success the app replaces any earlier one and the
    session is verified with it."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(normalise(code)):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    django_otp.login(request, device)
    request.session.cycle_key()
    return True


def new_recovery_codes(user) -> list[str]:
    """Ten new recovery codes, replacing the old ones. Only their owner sees them, once."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes = []
        while len(codes) < RECOVERY_CODE_COUNT:
            code = StaticToken.random_token()
            if code not in codes:
                codes.append(code)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return [f"{code[:4]}-{code[4:]}" for code in codes]


# Checking a code ---------------------------------------------------------------------------


def normalise(code: str) -> str:
    """What people type: spaces and hyphens anywhere, any case."""
    return re.sub(r"[\s-]+", "", code or "").lower()


@dataclass
class Outcome:
    device: object | None = None
    locked_until: datetime | None = None
    wait_seconds: int = 0

    @property
    def ok(self) -> bool:
        return self.device is not None


def wait_seconds(details) -> int:
    """Whole seconds until django-otp's throttle lets the device try again."""
    until = (details or {}).get("locked_until")
    if until is None:
        return 1
    return max(math.ceil((until - timezone.now()).total_seconds()), 1)


def _code_devices(user) -> list:
    return [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]


def locked_until(user) -> datetime | None:
    """The end of the per-user lockout, if it holds: NEWSROOM_MFA_FAILURE_LIMIT wrong codes in
    a row (app and recovery codes together) lock the second step for an hour after the last.

    The count lives in the database with the devices (django-otp's throttling fields), not in
    the cache: it holds across processes and when the cache is down.
    """
    devices = _code_devices(user)
    failures = sum(device.throttling_failure_count for device in devices)
    if failures < settings.NEWSROOM_MFA_FAILURE_LIMIT:
        return None
    last = max(
        (d.throttling_failure_timestamp for d in devices if d.throttling_failure_timestamp),
        default=None,
    )
    if last is None:
        return None
    until = last + timedelta(seconds=settings.NEWSROOM_MFA_LOCKOUT_SECONDS)
    return until if until > timezone.now() else None


def check(user, code: str, *, recovery: bool) -> Outcome:
    """Check a code from the app, or a recovery code (used up when it passes)."""
    until = locked_until(user)
    if until:
        return Outcome(locked_until=until)
    model = StaticDevice if recovery else TOTPDevice
    devices = list(model.objects.filter(user=user, confirmed=True))
    for device in devices:
        allowed, details = device.verify_is_allowed()
        if not allowed:
            return Outcome(wait_seconds=wait_seconds(details))
    token = normalise(code)
    for device in devices:
        # django_otp.verify_token locks the device's row: two tries at once are counted twice.
        verified = django_otp.verify_token(user, device.persistent_id, token)
        if verified is not None:
            for other in _code_devices(user):
                if other.throttling_failure_count:
                    other.throttle_reset()
            return Outcome(device=verified)
    return Outcome(locked_until=locked_until(user))
