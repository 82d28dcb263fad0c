"""The second step after the password, enrolment at the first sign-in, the recovery codes
(shown once) and the account's security page."""

import django_otp
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import second_factor
from accounts.forms import AppCodeForm, RecoveryCodeForm

RECOVERY_CODES_SESSION_KEY = "accounts_recovery_codes"


def _next(request) -> str:
    """The page to go on to: a local address from ?next= (or the form), else the admin."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index")


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


def _to_login(request):
    return HttpResponseRedirect(_with_next(reverse("admin:login"), _next(request)))


def _staff(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_staff


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def _page(request, template, title, **context):
    return _no_store(
        render(
            request,
            template,
            {
                **admin.site.each_context(request),
                "title": title,
                "next": _next(request),
                **context,
            },
        )
    )


def _wait_message(seconds: int) -> str:
    return ngettext(
        "Too many wrong codes. Wait %(seconds)d second and try again.",
        "Too many wrong codes. Wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


def _locked_message(until) -> str:
    return _(
        "Too many wrong codes: signing in with a code is locked until %(time)s. Try again "
        "then, or ask an administrator for help."
    ) % {"time": formats.time_format(timezone.localtime(until), "H:i")}


@never_cache
def verify(request):
    """The second step: a code from the app, a recovery code or a passkey."""
    user = request.user
    if not _staff(user):
        return _to_login(request)
    if second_factor.is_verified(user):
        return HttpResponseRedirect(_next(request))
    if not second_factor.has_device(user):
        return HttpResponseRedirect(_with_next(reverse("accounts:setup"), _next(request)))

    recovery = "recovery_code" in request.POST
    app_form = AppCodeForm(None if recovery else (request.POST or None))
    recovery_form = RecoveryCodeForm(request.POST if recovery else None)
    form = recovery_form if recovery else app_form
    if request.method == "POST" and form.is_valid():
        field = "recovery_code" if recovery else "code"
        outcome = second_factor.check(user, form.cleaned_data[field], recovery=recovery)
        if outcome.ok:
            django_otp.login(request, outcome.device)
            # A new session key for the verified session, as at the password.
            request.session.cycle_key()
            if recovery:
                left = second_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code. You have %(count)d left: make "
                        "new ones on the security page if you are running out.",
                        "You signed in with a recovery code. You have %(count)d left: make "
                        "new ones on the security page if you are running out.",
                        left,
                    )
                    % {"count": left},
                )
            return HttpResponseRedirect(_next(request))
        if outcome.locked_until:
            form.add_error(field, _locked_message(outcome.locked_until))
        elif outcome.wait_seconds:
            form.add_error(field, _wait_message(outcome.wait_seconds))
        elif recovery:
            form.add_error(field, _("That recovery code is not right, or it has been used."))
        else:
            form.add_error(
                field,
                _("That code is not right. Type the code your app shows now."),
            )
    return _page(
        request,
        "accounts/verify.html",
        _("Second step: confirm it is you"),
        app_form=app_form if second_factor.confirmed_app(user) else None,
        recovery_form=recovery_form if second_factor.recovery_codes_left(user) else None,
        recovery_open=recovery,
        has_passkey=second_factor.passkeys(user).exists(),
    )


@never_cache
def setup(request):
    """Set up the authenticator app: at the first sign-in, or to replace it once verified."""
    user = request.user
    if not _staff(user):
        return _to_login(request)
    replacing = second_factor.has_device(user)
    if replacing and not second_factor.is_verified(user):
        # A device is set up already: the password alone never adds another.
        return HttpResponseRedirect(_with_next(reverse("accounts:verify"), _next(request)))
    device = second_factor.pending_app(user)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, details = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", _wait_message(second_factor.wait_seconds(details)))
        elif second_factor.confirm_app(request, device, form.cleaned_data["code"]):
            if second_factor.recovery_codes_left(user):
                messages.success(request, _("Your new authenticator app is set up."))
                return HttpResponseRedirect(_next(request))
            request.session[RECOVERY_CODES_SESSION_KEY] = second_factor.new_recovery_codes(user)
            return HttpResponseRedirect(
                _with_next(reverse("accounts:recovery-codes"), _next(request))
            )
        else:
            form.add_error(
                "code",
                _(
                    "That code is not right. Check that the app shows the account for this "
                    "newsroom and type the code it shows now."
                ),
            )
    return _page(
        request,
        "accounts/setup.html",
        _("Set up your authenticator app") if replacing else _("Set up sign-in with a code"),
        form=form,
        replacing=replacing,
        qr_code=second_factor.qr_code_data_uri(device),
        secret=second_factor.secret(device),
    )


@never_cache
def recovery_codes(request):
    """The new recovery codes, shown once: they are taken out of the session as they are
    shown, and the database keeps only what checks them."""
    if not (_staff(request.user) and second_factor.is_verified(request.user)):
        return _to_login(request)
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not codes:
        messages.info(
            request,
            _("Recovery codes are shown once only. Make new ones here if you lost them."),
        )
        return HttpResponseRedirect(reverse("accounts:security"))
    return _page(request, "accounts/recovery_codes.html", _("Your recovery codes"), codes=codes)


@require_POST
def sign_out(request):
    """Leave the second step (or the admin): the session ends."""
    logout(request)
    return HttpResponseRedirect(reverse("admin:login"))


@never_cache
def security(request):
    """The account's sign-in security: the app, recovery codes and passkeys. Behind the
    admin's own check (admin_view), so only a verified session reaches it."""
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "recovery-codes":
            request.session[RECOVERY_CODES_SESSION_KEY] = second_factor.new_recovery_codes(user)
            return HttpResponseRedirect(
                _with_next(reverse("accounts:recovery-codes"), reverse("accounts:security"))
            )
        if action == "delete-passkey":
            deleted, _details = (
                second_factor.passkeys(user).filter(pk=request.POST.get("passkey")).delete()
            )
            if deleted:
                messages.success(request, _("The passkey was removed."))
        return HttpResponseRedirect(reverse("accounts:security"))
    return _page(
        request,
        "accounts/security.html",
        _("Sign-in security"),
        app=second_factor.confirmed_app(user),
        recovery_codes_left=second_factor.recovery_codes_left(user),
        passkeys=list(second_factor.passkeys(user)),
        required=second_factor.required(),
        passkeys_possible=request.is_secure() or request.get_host().split(":")[0] == "localhost",
    )
