"""`make bench`: how fast the public pages answer, and with how many queries, as data grows.

It builds its own data in whatever database it is pointed at (make bench uses a throw-away
SQLite file, or PostgreSQL with DATABASE_URL), then times in-process requests with Django's
test client: no network, so the figures are the application's own cost.
"""

import datetime
import gc
import io
import statistics
import tempfile
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from common.bulk import analyze
from newsroom.demo.seed import load_demo
from newsroom.feedformats import RssWithContent
from newsroom.models import PressRelease, ReleaseImage, ReleasePerson, Topic


def deep_page(topic) -> int:
    """The last page of a topic's releases."""
    count = PressRelease.objects.published().filter(topics=topic).count()
    return max(1, (count - 1) // 10 + 1)


class Command(BaseCommand):
    help = "Benchmark the public pages (median and 95th percentile, queries per page)."

    def add_arguments(self, parser):
        parser.add_argument("--releases", type=int, default=300)
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument(
            "--import-entries",
            type=int,
            default=300,
            help="Entries in the timed archive import (0: none).",
        )
        parser.add_argument(
            "--existing",
            action="store_true",
            help="Measure the database as it is (e.g. after seed_bench --releases 10000).",
        )

    def handle(self, *args, releases, repeat, existing, import_entries, **options):
        if existing:
            seed = PressRelease.objects.published().filter(people__isnull=False).first()
        else:
            call_command("migrate", verbosity=0)
            seed = load_demo()
            self.grow(seed, releases)
            # As after any bulk load (README: operations notes): statistics for what was written.
            analyze(PressRelease, ReleasePerson, ReleaseImage)
        topic = seed.topics.order_by("name").first()
        person = seed.people.first()
        organisation = seed.byline
        oldish = PressRelease.objects.published().order_by("-publish_at")[
            min(499, PressRelease.objects.published().count() - 1)
        ]
        pages = {
            "index": "/",
            "index filtered": f"/?emne={topic.slug}",
            "index page 10": "/?page=10",
            "release": seed.get_absolute_url(),
            "release 500th": oldish.get_absolute_url(),
            "person": person.get_absolute_url(),
            "organisation": organisation.get_absolute_url(),
            "topic": topic.get_absolute_url(),
            "archive": reverse("newsroom:archive"),
            "search": "/soeg/?q=samskabelse",
            "search two words": "/soeg/?q=sociale+tilbud",
            "search rare": "/soeg/?q=brancheorganisation",
            "press photos": reverse("newsroom:presskit"),
            "feed rss": "/feeds/rss/",
            "feed atom": "/feeds/atom/",
            "feed json": "/feeds/json/",
            "sitemap": "/sitemap.xml",
            "sitemap releases": "/sitemap-releases.xml",
            "sitemap people": "/sitemap-people.xml",
            "feeds page": reverse("newsroom:feeds"),
        }
        # The deepest pages cost what the first do (newsroom.paging, IndexRows).
        count = PressRelease.objects.published().count()
        oldest = PressRelease.objects.published().order_by("publish_at").first()
        pages["index last page"] = f"/?page={max(1, (count - 1) // 10 + 1)}"
        pages["topic deep page"] = f"{topic.get_absolute_url()}?page={deep_page(topic)}"
        year = timezone.localtime(oldest.publish_at).year
        in_year = PressRelease.objects.published().filter(publish_at__year=year).count()
        pages["archive year deep"] = (
            reverse("newsroom:archive-year", args=[year])
            + f"?page={max(1, (in_year - 1) // 10 + 1)}"
        )
        pages["sitemap releases last"] = (
            f"/sitemap-releases.xml?p={max(1, (count - 1) // 1000 + 1)}"
        )
        admin_pages = self.admin_pages()
        client = Client()
        self.stdout.write(
            f"{PressRelease.objects.published().count()} published releases, "
            f"{repeat} requests per page, database: {connection.vendor}\n"
        )
        self.stdout.write(f"{'page':<22}{'median ms':>11}{'p95 ms':>9}{'p99 ms':>9}{'queries':>9}")
        staff = Client()
        staff.force_login(self.bench_staff())
        # The admin's rows time the pages, not the second factor's sign-in (accounts/): a
        # bench's own superuser has no authenticator app.
        mfa_off = override_settings(NEWSROOM_REQUIRE_MFA=False)
        mfa_off.enable()
        for url in pages.values():
            client.get(url)  # warm up
        for url in admin_pages.values():
            staff.get(url)
        gc.freeze()  # as newsroom/wsgi.py does once the application is loaded
        rows = [(name, url, client) for name, url in pages.items()]
        rows += [(name, url, staff) for name, url in admin_pages.items()]
        for name, url, client in rows:
            timings = []
            for _ in range(repeat):
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            timings.sort()
            p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
            p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
            self.stdout.write(
                f"{name:<22}{statistics.median(timings):>11.1f}{p95:>9.1f}{p99:>9.1f}"
                f"{len(queries.captured_queries):>9}"
            )
        mfa_off.disable()
        # A new release pushed to 1,000 WebSub subscribers (outreach's command, by name: the
        # newsroom does not import outreach).
        try:
            call_command("bench_websub", stdout=self.stdout)
        except Exception as exc:  # noqa: BLE001 - the pages' figures above stand on their own
            self.stdout.write(f"{'websub':<18}not measured: {type(exc).__name__}: {exc}")
        if import_entries:
            # After the pages, whose figures must not count the imported releases.
            self.time_import(import_entries)

    def bench_staff(self):
        """A superuser for the admin's rows (made once; only on a bench database)."""
        from django.contrib.auth import get_user_model

        user, _created = get_user_model().objects.get_or_create(
            username="bench-staff", defaults={"is_staff": True, "is_superuser": True}
        )
        return user

    def admin_pages(self) -> dict:
        """The admin's busiest pages: the releases list, a release about eight people, and the
        people autocomplete as its inline asks it."""
        about_eight = (
            PressRelease.objects.annotate(people_count=Count("person_links"))
            .filter(people_count__gte=8)
            .order_by("-publish_at")
            .first()
        ) or PressRelease.objects.order_by("-publish_at").first()
        return {
            "admin releases": reverse("admin:newsroom_pressrelease_changelist"),
            "admin releases p50": reverse("admin:newsroom_pressrelease_changelist")
            + f"?p={min(50, PressRelease.objects.count() // 50 + 1)}",
            "admin releases q": reverse("admin:newsroom_pressrelease_changelist")
            + "?q=Pressemeddelelse+4711",
            "admin release 8p": reverse(
                "admin:newsroom_pressrelease_change", args=[about_eight.pk]
            ),
            "admin people ac": reverse("admin:autocomplete")
            + "?app_label=newsroom&model_name=releaseperson&field_name=person&term=Person+12",
        }

    def grow(self, seed, count):
        """Releases like the seed, sharing its people, topics and photo."""
        existing = PressRelease.objects.count()
        if existing > count:
            return
        topics = list(Topic.objects.all())
        person = seed.people.first()
        image = seed.images.first()
        start = timezone.now() - datetime.timedelta(days=count)
        for number in range(existing, count + 1):
            release = PressRelease.objects.create(
                title=f"Benchmark-pressemeddelelse {number} om samskabelse",
                lead="En indledning om samskabelse og velfærd. " * 3,
                body=seed.body,
                byline=seed.byline,
                status=PressRelease.Status.PUBLISHED,
                publish_at=start + datetime.timedelta(days=number),
            )
            release.topics.set(topics[: 1 + number % len(topics)])
            ReleasePerson.objects.create(release=release, person=person)
            ReleaseImage.objects.create(release=release, image=image)

    def time_import(self, count):
        """manage.py import_feed's pace: an RSS file of `count` entries without images (the
        full text as our own feeds write it), imported, then imported again unchanged."""
        feed = RssWithContent(
            title="Et andet pressrum", link="https://old.example/", description="Arkiv"
        )
        body = PressRelease.objects.order_by("pk").values_list("body", flat=True).first() or ""
        start = timezone.now() - datetime.timedelta(days=count)
        for number in range(count):
            lead = f"Indledning {number} om samskabelse og velfærd."
            feed.add_item(
                title=f"Importeret pressemeddelelse {number} om samskabelse",
                link=f"https://old.example/pressreleases/{number}",
                description=lead,
                unique_id=f"https://old.example/?p={number}",
                pubdate=start + datetime.timedelta(days=number),
                categories=["Samskabelse", "Arkiv", f"Emne {number % 7}"],
                content_html=f"<p><strong>{lead}</strong></p>{body}",
            )
        with tempfile.NamedTemporaryFile(suffix=".xml") as file:
            feed.write(file, "utf-8")
            file.flush()
            for label in ("import_feed", "again"):
                started = time.perf_counter()
                call_command("import_feed", file.name, verbosity=0, stdout=io.StringIO())
                seconds = time.perf_counter() - started
                self.stdout.write(
                    f"{label:<18}{count} entries (RSS, no images) in {seconds:.2f} s: "
                    f"{count / seconds:.0f} entries/s"
                )
