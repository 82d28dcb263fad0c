import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Make sure a staff login exists for the admin, and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("NEWSROOM_ADMIN_USER", "admin"))

    def handle(self, *args, username, **options):
        User = get_user_model()
        password_file = settings.DATA_DIR / "admin-password.txt"
        user = User.objects.filter(username=username).first()
        if user is None:
            password = os.environ.get("NEWSROOM_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
            User.objects.create_superuser(username=username, email="", password=password)
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password + "\n", encoding="utf-8")
            password_file.chmod(0o600)
        login = f"{settings.SITE_URL}/admin/"
        self.stdout.write(f"Staff login: {login}  user: {username}")
        if settings.NEWSROOM_REQUIRE_MFA:
            self.stdout.write(
                "At the first sign-in, after the password, the admin asks to set up a second "
                "factor: an authenticator app, confirmed with a code, then ten recovery codes."
            )
        if password_file.exists():
            password = password_file.read_text(encoding="utf-8").strip()
            self.stdout.write(
                f"Password: {password}  (kept in {password_file}; change it in the admin)"
            )
        else:
            self.stdout.write(f"Set a password with: python manage.py changepassword {username}")
