from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from newsroom.models import PressRelease
from outreach.models import MediaList, Pitch
from outreach.pitches import PitchRefused, recipients, send_pitch


class Command(BaseCommand):
    help = (
        "Send a release to the journalists of one or more media lists, now or at the second "
        "it goes public (--at-publication). Under embargo each journalist gets their own "
        "preview link. Nobody gets the same story twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The release's slug")
        parser.add_argument("--list", action="append", required=True, dest="lists")
        parser.add_argument("--note", default="", help="A personal note above the release.")
        parser.add_argument("--subject", default="", help="The subject (the title if empty).")
        parser.add_argument("--at-publication", action="store_true")
        parser.add_argument(
            "--as",
            dest="username",
            help="The staff user who sends it (replies go to them); the only superuser if "
            "there is one.",
        )

    def handle(self, *, slug, lists, note, subject, at_publication, username, **options):
        release = PressRelease.objects.filter(slug=slug).first()
        if release is None:
            raise CommandError(f"No release has the slug {slug!r}.")
        media_lists = list(MediaList.objects.filter(name__in=lists))
        missing = set(lists) - {media_list.name for media_list in media_lists}
        if missing:
            raise CommandError(f"No media list is called {', '.join(sorted(missing))}.")
        user = self._sender(username)
        with transaction.atomic():
            pitch = Pitch.objects.create(
                release=release, subject=subject, note=note, at_publication=at_publication
            )
            pitch.lists.set(media_lists)
            count = recipients(pitch).count()
            try:
                send_pitch(pitch, user)
            except PitchRefused as refused:
                transaction.set_rollback(True)
                raise CommandError(str(refused)) from None
        if pitch.status == Pitch.Status.WAITING:
            self.stdout.write(
                f"Pitch {pitch.pk} to {count} journalists waits for the release to go public."
            )
        else:
            self.stdout.write(f"Pitch {pitch.pk} queued for {count} journalists.")

    def _sender(self, username):
        users = get_user_model().objects.filter(is_active=True, is_staff=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"No active staff user is called {username!r}.")
            return user
        superusers = list(users.filter(is_superuser=True)[:2])
        if len(superusers) != 1:
            raise CommandError("Say who sends it: --as USERNAME.")
        return superusers[0]
