"""Pages nginx answered from its own cache never reach the app, so they are counted from its
access log. deploy/nginx.conf writes the `newsroom` log format, whose last field is
$upstream_cache_status: only HIT, STALE and UPDATING lines are counted here (the others reached
the app and were counted there). Run it on each rotated log once, e.g. from logrotate's
postrotate; the addresses and browsers in the log are read, never stored."""

import datetime
import re
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from stats.counting import count_request, counters

# '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
#  "$http_referer" "$http_user_agent" "$newsroom_staff" $upstream_cache_status'
LINE = re.compile(
    r'^\S+ \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<method>[A-Z]+) (?P<target>\S+) [^"]*" '
    r'(?P<status>\d{3}) \S+ "[^"]*" "(?P<agent>[^"]*)" "(?P<session>[^"]*)" (?P<cache>\S+)'
)
FROM_CACHE = {"HIT", "STALE", "UPDATING", "REVALIDATED"}


class Command(BaseCommand):
    help = "Count the pages nginx answered from its cache (its access log, `newsroom` format)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *, file, **options):
        counted = skipped = 0
        try:
            handle = open(file, encoding="utf-8", errors="replace")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        with handle:
            for line in handle:
                match = LINE.match(line)
                if match is None:
                    skipped += 1
                    continue
                if (
                    match["method"] != "GET"
                    or match["status"] != "200"
                    or match["cache"] not in FROM_CACHE
                ):
                    continue
                day = datetime.datetime.strptime(match["time"], "%d/%b/%Y:%H:%M:%S %z").date()
                target = urlsplit(match["target"])
                before = sum(counters.pending.values())
                count_request(
                    target.path,
                    target.query,
                    match["agent"],
                    staff=match["session"] == "staff",
                    day=day,
                )
                counted += sum(counters.pending.values()) - before
        counters.flush()
        self.stdout.write(f"{counted} answers from nginx's cache counted; {skipped} lines unread.")
