"""django-otp-webauthn's endpoints (the namespace its scripts expect), under
/admin/second-factor/passkeys/ (newsroom/urls.py), with three changes: a passkey is added only
by a session already verified with a second factor; a passkey sign-in goes on to the admin (or
the page asked for); and the scripts' texts come in Danish too (accounts/locale, djangojs).
"""

from django.urls import path, reverse
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from accounts import second_factor

app_name = "otp_webauthn"


class VerifiedOnly:
    def check_can_register(self):
        super().check_can_register()
        user = self.request.user
        if not (user.is_staff and second_factor.is_verified(user)):
            raise exceptions.NotVerified()


class BeginRegistration(VerifiedOnly, BeginCredentialRegistrationView):
    pass


class CompleteRegistration(VerifiedOnly, CompleteCredentialRegistrationView):
    pass


class CompleteAuthentication(CompleteCredentialAuthenticationView):
    def get_success_url(self):
        return self.get_redirect_url() or reverse("admin:index")


urlpatterns = [
    path("registration/begin/", BeginRegistration.as_view(), name="credential-registration-begin"),
    path(
        "registration/complete/",
        CompleteRegistration.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        CompleteAuthentication.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn", "accounts"]),
        name="js-i18n-catalog",
    ),
]
