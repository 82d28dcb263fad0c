from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Sign-in security")

    def ready(self):
        from django.apps import apps

        from accounts import checks  # noqa: F401  (registers the deploy check)

        # The sign-in apps' own names are English ("Axes", "Otp_Totp"): staff read them in
        # the admin, so they get names that say what they keep, in the admin's language.
        for label, name in SIGN_IN_APP_NAMES.items():
            if label in apps.app_configs:
                apps.get_app_config(label).verbose_name = name


SIGN_IN_APP_NAMES = {
    "axes": _("Login attempts"),
    "otp_totp": _("Authenticator apps"),
    "otp_static": _("Recovery codes"),
    "django_otp_webauthn": _("Passkeys"),
}
