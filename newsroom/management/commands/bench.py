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
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsroom.demo.seed import load_demo
from newsroom.feedformats import RssWithContent
from newsroom.models import PressRelease, ReleaseImage, ReleasePerson, Topic


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
        }
        client = Client()
        self.stdout.write(
            f"{PressRelease.objects.published().count()} published releases, "
            f"{repeat} requests per page, database: {connection.vendor}\n"
        )
        self.stdout.write(f"{'page':<18}{'median ms':>11}{'p95 ms':>9}{'p99 ms':>9}{'queries':>9}")
        for url in pages.values():
            client.get(url)  # warm up
        gc.freeze()  # as newsroom/wsgi.py does once the application is loaded
        for name, url in pages.items():
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
                f"{name:<18}{statistics.median(timings):>11.1f}{p95:>9.1f}{p99:>9.1f}"
                f"{len(queries.captured_queries):>9}"
            )
        # A new release pushed to 1,000 WebSub subscribers (outreach's command, by name: the
        # newsroom does not import outreach).
        call_command("bench_websub", stdout=self.stdout)
        if import_entries:
            # After the pages, whose figures must not count the imported releases.
            self.time_import(import_entries)

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
