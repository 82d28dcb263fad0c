"""Under /admin/ (newsroom/urls.py), before the admin's own addresses."""

from django.contrib import admin
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    # Everything under second-factor/ is open to a session signed in with the password alone
    # (accounts.middleware); each view checks what it allows.
    path("second-factor/", views.verify, name="verify"),
    path("second-factor/setup/", views.setup, name="setup"),
    path("second-factor/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("second-factor/sign-out/", views.sign_out, name="sign-out"),
    # Behind the admin's check: staff, verified.
    path("account/security/", admin.site.admin_view(views.security), name="security"),
]
