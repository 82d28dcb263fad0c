"""The pages `make bench` measures over HTTP, matching the Wagtail peer's: index page 1 and 10,
the 500th newest release and the RSS feed. One "name path" per line."""

from django.core.management.base import BaseCommand

from newsroom.models import PressRelease


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        published = PressRelease.objects.published().order_by("-publish_at", "-pk")
        count = published.count()
        release = published[min(499, count - 1)]
        for name, path in [
            ("index_p1", "/"),
            ("index_p10", "/?page=10"),
            ("detail", release.get_absolute_url()),
            ("rss", "/feeds/rss/"),
        ]:
            self.stdout.write(f"{name} {path}")
