import json

from django.core.management.base import BaseCommand, CommandError

from newsroom.models import PressRelease
from stats import reports
from stats.counting import counters


class Command(BaseCommand):
    help = (
        "What happened to a release: page views (Danish and English pages apart), PDF and "
        "press photo downloads, API and oEmbed reads, alert and pitch mails sent, embargo link "
        "openings. With --feeds: fetches and subscribers per feed."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?")
        parser.add_argument("--feeds", action="store_true", help="Per feed instead.")
        parser.add_argument("--json", action="store_true", help="As JSON.")
        parser.add_argument("--days", action="store_true", help="Also per day, first 14 days.")

    def handle(self, *, slug, feeds, json: bool, days, **options):
        counters.flush()  # what this process counted is included
        if feeds:
            rows = reports.feed_report()
            result = {
                "subscribers": sum(row["subscribers"] for row in rows),
                "fetches": sum(row["fetches"] for row in rows),
                "feeds": rows,
            }
        else:
            if not slug:
                raise CommandError("Name a release by its slug, or use --feeds.")
            release = PressRelease.objects.filter(slug=slug).first()
            if release is None:
                raise CommandError(f"No release has the slug {slug!r}.")
            result = reports.release_totals(release)
            if days:
                result["days"] = [
                    {**row, "day": row["day"].isoformat()} for row in reports.release_days(release)
                ]
        if json:
            self.stdout.write(_dumps(result))
            return
        for name, value in result.items():
            if isinstance(value, list):
                for row in value:
                    self.stdout.write(f"  {row}")
            else:
                self.stdout.write(f"{name}: {value}")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
