import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from newsroom.staff import ROLES, give_role


class Command(BaseCommand):
    help = (
        "Make an Editor or Publisher who can log in to the admin at once, in one step. The user "
        "name is the e-mail address; the password comes from NEWSROOM_STAFF_PASSWORD or is made "
        "and printed once. Run it again to give an existing user the role."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", required=True, choices=sorted(ROLES))
        parser.add_argument("--name", default="", help="First and last name.")

    def handle(self, *args, email, role, name, **options):
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an e-mail address.") from error
        User = get_user_model()
        user = User.objects.filter(username__iexact=email).first()
        password = None
        if user is None:
            first, _space, last = name.strip().rpartition(" ")
            if not first:  # one name only
                first, last = last, ""
            password = os.environ.get("NEWSROOM_STAFF_PASSWORD") or secrets.token_urlsafe(12)
            user = User.objects.create_user(
                username=email, email=email, password=password, first_name=first, last_name=last
            )
        give_role(user, role)
        self.stdout.write(f"{user.username} is {ROLES[role]}: log in at {settings.SITE_URL}/admin/")
        if settings.NEWSROOM_REQUIRE_MFA:
            self.stdout.write(
                "At the first sign-in, after the password, the admin asks to set up a second "
                "factor: an authenticator app, confirmed with a code, then ten recovery codes."
            )
        if password and not os.environ.get("NEWSROOM_STAFF_PASSWORD"):
            self.stdout.write(f"Password: {password}  (shown once; change it in the admin)")
