"""`manage.py bench`'s WebSub row: a release going public pushed to 1,000 subscribers.

The subscribers are one HTTP server on 127.0.0.1 in this process (WEBSUB_ALLOW_PRIVATE_CALLBACKS
for the run): the figure is the hub's own cost (claim, sign, POST and mark each push), with a
network of no latency. What it makes is deleted afterwards.
"""

import datetime
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from newsroom.models import PressRelease
from outreach import websub
from outreach.models import WebSubSubscription


class _Subscriber(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.server.lock:
            self.server.received += 1
            if self.server.received == self.server.expected:
                self.server.done.set()
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the hub's threads connect at once
    daemon_threads = True


class Command(BaseCommand):
    help = "Time a WebSub push of a new release to many subscribers (a row of manage.py bench)."

    def add_arguments(self, parser):
        parser.add_argument("--subscribers", type=int, default=1000)

    def handle(self, *args, subscribers, **options):
        server = _Server(("127.0.0.1", 0), _Subscriber)
        server.lock, server.done = threading.Lock(), threading.Event()
        server.received, server.expected = 0, subscribers
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        release = None
        created = []
        try:
            with override_settings(WEBSUB_ALLOW_PRIVATE_CALLBACKS=True, WEBSUB_HUB_URL=""):
                websub.queue_changes()  # what the bench made so far is not this row's work
                now = timezone.now()
                created = WebSubSubscription.objects.bulk_create(
                    WebSubSubscription(
                        topic=f"{settings.SITE_URL}/feeds/rss/",
                        callback=f"http://127.0.0.1:{server.server_port}/cb/{number}",
                        secret=f"secret-{number}",
                        lease_seconds=864000,
                        expires_at=now + datetime.timedelta(days=10),
                        verified_at=now,
                    )
                    for number in range(subscribers)
                )
                release = PressRelease.objects.create(
                    title="WebSub-benchmark: en ny pressemeddelelse",
                    lead="En indledning.",
                    body="<p>Brødtekst.</p>",
                    status=PressRelease.Status.PUBLISHED,
                    publish_at=timezone.now(),
                )
                started = time.perf_counter()
                rounds = 0
                while not server.done.is_set() and rounds < 10:
                    websub.run_once()
                    rounds += 1
                server.done.wait(5)
                seconds = time.perf_counter() - started
        finally:
            server.shutdown()
            server.server_close()
            WebSubSubscription.objects.filter(pk__in=[s.pk for s in created]).delete()
            if release is not None:
                release.delete()
        threads = websub.PUSH_THREADS if connection.vendor == "postgresql" else 1
        self.stdout.write(
            f"{'websub push':<18}{server.received} of {subscribers} subscribers pushed in "
            f"{seconds:.2f} s ({server.received / seconds:.0f}/s, {threads} threads, "
            f"{rounds} round{'s' if rounds != 1 else ''}, {connection.vendor})"
        )
