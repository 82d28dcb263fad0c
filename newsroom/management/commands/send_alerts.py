import logging
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from newsroom.alerts import run_once

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Queue and send e-mail alerts for releases that have become public. "
        "Run it once a minute from a timer, or keep it running with --loop."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running.")
        parser.add_argument("--interval", type=float, default=15, help="Seconds between runs.")

    def handle(self, *args, loop, interval, **options):
        while True:
            close_old_connections()
            try:
                queued, sent = run_once()
            except Exception:
                if not loop:
                    raise
                # A database or mail-server hiccup: log it and try again next round.
                logger.exception("Alert run failed; retrying in %s s", interval)
                time.sleep(interval)
                continue
            if queued or sent or not loop:
                self.stdout.write(f"alerts queued: {queued}, sent: {sent}")
            if not loop:
                return
            time.sleep(interval)
