from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from accounts import second_factor


def _anonymous():
    user = AnonymousUser()
    user.otp_device = None
    user.is_verified = lambda: False
    return user


class SecondFactorMiddleware:
    """With the second factor required, a session signed in with the password alone is
    anonymous everywhere except the second step's own pages and the admin's login (which sends
    it on to them). So no staff-only view (the admin, the editor's upload, release previews)
    is reached with a password alone, whatever it checks itself.

    Lazy, like request.user: a page that never looks at the user never reads the session.
    Goes after django_otp.middleware.OTPMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def open_paths(self) -> tuple[str, ...]:
        if self._open_paths is None:
            self._open_paths = (reverse("accounts:verify"), reverse("admin:login"))
        return self._open_paths

    def __call__(self, request):
        if second_factor.required() and not self._is_open(request.path):
            user = request.user
            request.user = SimpleLazyObject(lambda: _verified_or_anonymous(user))
            auser = getattr(request, "auser", None)
            if auser is not None:

                async def verified_auser():
                    return _verified_or_anonymous(await auser())

                request.auser = verified_auser
        return self.get_response(request)

    def _is_open(self, path: str) -> bool:
        second_step, login = self.open_paths()
        return path.startswith(second_step) or path == login


def _verified_or_anonymous(user):
    if user.is_authenticated and not second_factor.is_verified(user):
        return _anonymous()
    return user
