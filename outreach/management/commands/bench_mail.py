"""`make bench`, the mail part: a pitch to 5,000 journalists and an alert round to 50,000
subscribers through a local SMTP server (aiosmtpd), sent by real `run_worker` processes (two on
PostgreSQL, one on SQLite, which cannot share rows safely), every address counted at the server.

Measured, not asserted: it prints how long each took, the mails a second, and whether every
address got exactly one mail.
"""

import collections
import datetime
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from newsroom.models import AlertDelivery, PressRelease, Subscription
from outreach.models import Contact, MediaList, Pitch, PitchDelivery, email_hash
from outreach.pitches import queue_pitch

LIMIT_SECONDS = 300


class CountingServer:
    """Counts each recipient's mails; keeps nothing else."""

    def __init__(self):
        self.received = collections.Counter()

    async def handle_DATA(self, server, session, envelope):
        for address in envelope.rcpt_tos:
            self.received[address] += 1
        return "250 OK"


class Command(BaseCommand):
    help = "Benchmark pitches and alerts through a local SMTP server with real workers."

    def add_arguments(self, parser):
        parser.add_argument("--journalists", type=int, default=5000)
        parser.add_argument("--subscribers", type=int, default=50000)
        parser.add_argument("--workers", type=int, default=None)

    def handle(self, *args, journalists, subscribers, workers, **options):
        import logging

        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's every command
        call_command("migrate", verbosity=0)
        postgres = connection.vendor == "postgresql"
        workers = workers or (2 if postgres else 1)
        handler = CountingServer()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            if journalists:
                self.stdout.write(self.pitch_run(handler, port, journalists, workers))
            if subscribers:
                self.stdout.write(self.alert_run(handler, port, subscribers, workers))
        finally:
            controller.stop()

    def pitch_run(self, handler, port, count, workers) -> str:
        handler.received.clear()
        release = PressRelease.objects.create(
            title="Bench: en udsendelse",
            lead="Til alle journalister.",
            body="<p>Brødtekst.</p>",
            status=PressRelease.Status.PUBLISHED,
            publish_at=timezone.now() - datetime.timedelta(minutes=1),
        )
        media_list = MediaList.objects.create(name=f"Bench {time.time()}")
        stamp = int(time.time())
        contacts = Contact.objects.bulk_create(
            [
                Contact(
                    name=f"Journalist {n}",
                    email=f"j{n}.{stamp}@bench.example",
                    email_hash=email_hash(f"j{n}.{stamp}@bench.example"),
                )
                for n in range(count)
            ],
            batch_size=2000,
        )
        media_list.contacts.add(*contacts)
        pitch = Pitch.objects.create(release=release)
        pitch.lists.add(media_list)
        queue_pitch(pitch)
        pending = PitchDelivery.objects.filter(pitch=pitch, status=PitchDelivery.Status.PENDING)
        seconds = self.run_workers(port, workers, lambda: pending.exists())
        return self.line("pitch", count, seconds, handler, workers)

    def alert_run(self, handler, port, count, workers) -> str:
        from newsroom import alerts

        handler.received.clear()
        now = timezone.now()
        stamp = int(time.time())
        Subscription.objects.bulk_create(
            [
                Subscription(email=f"s{n}.{stamp}@bench.example", confirmed_at=now)
                for n in range(count)
            ],
            batch_size=5000,
        )
        PressRelease.objects.create(
            title="Bench: en nyhed til abonnenter",
            lead="Til alle abonnenter.",
            body="<p>Brødtekst.</p>",
            status=PressRelease.Status.PUBLISHED,
            publish_at=now - datetime.timedelta(seconds=5),
        )
        queued = alerts.queue_alerts()
        unsent = AlertDelivery.objects.filter(sent_at__isnull=True, failed_at__isnull=True)
        seconds = self.run_workers(port, workers, lambda: unsent.exists())
        return self.line(f"alert round ({queued} queued)", count, seconds, handler, workers)

    def run_workers(self, port, workers, busy) -> float:
        started = time.monotonic()
        processes = [self.worker(port) for _ in range(workers)]
        try:
            while busy() and time.monotonic() - started < LIMIT_SECONDS:
                time.sleep(0.5)
            return time.monotonic() - started
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(30)

    @staticmethod
    def line(kind, count, seconds, handler, workers) -> str:
        sent = sum(handler.received.values())
        doubled = sum(1 for times in handler.received.values() if times > 1)
        within = "within" if seconds < LIMIT_SECONDS else "NOT within"
        return (
            f"{kind}: {sent} of {count} mails in {seconds:.1f} s ({sent / seconds:.0f}/s) with "
            f"{workers} worker(s), {within} {LIMIT_SECONDS} s; addresses mailed twice: {doubled}"
        )

    @staticmethod
    def worker(port) -> subprocess.Popen:
        db = connection.settings_dict
        if connection.vendor == "postgresql":
            url = (
                f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            )
        else:
            url = f"sqlite:///{db['NAME']}"
        env = {
            **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}},
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DATABASE_URL": url,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "PITCH_MAILS_PER_MINUTE": "0",
            "SECRET_KEY": settings.SECRET_KEY,
            "SITE_URL": settings.SITE_URL,
        }
        return subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "run_worker",
                "--no-reload",
                "--no-startup-delay",
                "--schedule-interval",
                "1",
                "-v0",
            ],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
