"""django.contrib.admin's default site, asking for the second factor.

settings.INSTALLED_APPS names accounts.admin_config.SecondFactorAdminConfig in place of
"django.contrib.admin" (Django's documented way to replace the default site), so `admin.site`
and every registration on it stay as they are.
"""

from django.contrib.admin import AdminSite
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts import second_factor


def second_step_url(request, next_url: str = "") -> str:
    url = reverse("accounts:verify")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class SecondFactorAdminSite(AdminSite):
    def has_permission(self, request):
        """Active staff, and, when the second factor is required, verified with it."""
        return super().has_permission(request) and second_factor.passed(request)

    def login(self, request, extra_context=None):
        user = request.user
        half_signed_in = (
            user.is_authenticated
            and user.is_active
            and user.is_staff
            and not second_factor.passed(request)
        )
        if request.method == "GET" and half_signed_in:
            return HttpResponseRedirect(second_step_url(request, request.GET.get("next", "")))
        response = super().login(request, extra_context)
        signed_in_now = (
            request.method == "POST"
            and isinstance(response, HttpResponseRedirect)
            and request.user.is_authenticated
        )
        if signed_in_now and not second_factor.passed(request):
            # The password was right: on to the code (or to enrolment, at the first sign-in).
            return HttpResponseRedirect(second_step_url(request, response.url))
        return response
