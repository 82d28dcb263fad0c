"""Counting readers without tracking them.

Each answered request that a reader (not a bot, not signed-in staff) made is turned into one
counter: (what, which, day). Nothing about the reader is kept: no address, no browser, no
cookie is read but the session cookie that tells staff apart (and that one only for being
there). Counters are kept in this process and written to the database in one statement every
COUNT_FLUSH_SECONDS; a database that is away keeps them in memory a while longer (up to
MAX_PENDING counters), and a process that is killed loses what it had not written. A page is
never held up or failed by counting.

Bots are recognised by crawlerdetect, a Python port of the Crawler-Detect list (JayBizzle),
which is kept up to date upstream and reaches us with each release of the package.
"""

import datetime
import functools
import logging
import re
import threading
import time
from collections import Counter
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from common.replica import quietly

logger = logging.getLogger(__name__)

MAX_PENDING = 50_000

_language = r"(?P<en>/en)?"
# (kind, pattern): the addresses whose answers are counted, matched on the path alone.
PATTERNS = [
    ("view", re.compile(rf"^{_language}/pressemeddelelser/(?P<slug>[^/]+)/$")),
    ("pdf", re.compile(rf"^{_language}/pressemeddelelser/(?P<slug>[^/]+)/pdf/$")),
    ("photo", re.compile(rf"^{_language}/pressefoto/(?P<image>\d+)/download/$")),
    ("api", re.compile(r"^/api/v1/releases/(?P<slug>[^/]+)/$")),
    ("oembed", re.compile(r"^/oembed/$")),
    (
        "feed",
        re.compile(
            rf"^{_language}/feeds/(?:(?:emner|organisationer|personer)/[^/]+/)?"
            r"(?:rss|atom|json)/$"
        ),
    ),
]


def classify(path: str, query: str = "") -> tuple[str, str] | None:
    """("view_da", slug), ("pdf", slug), ("photo", image id), ("api", slug), ("oembed", slug),
    ("feed", path), or None for an address that is not counted."""
    for kind, pattern in PATTERNS:
        match = pattern.match(path)
        if match is None:
            continue
        if kind == "view":
            return ("view_en" if match["en"] else "view_da"), match["slug"]
        if kind == "photo":
            return "photo", match["image"]
        if kind == "feed":
            return "feed", path
        if kind == "oembed":
            asked = parse_qs(query).get("url", [""])[0]
            found = PATTERNS[0][1].match(urlsplit(asked).path)
            return ("oembed", found["slug"]) if found else None
        return kind, match["slug"]
    return None


_detect_lock = threading.Lock()
_detector = None


@functools.lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    """A crawler, by the Crawler-Detect list; no User-Agent at all counts as one."""
    global _detector
    if not user_agent:
        return True
    with _detect_lock:
        if _detector is None:
            from crawlerdetect import CrawlerDetect

            _detector = CrawlerDetect()
        return bool(_detector.isCrawler(user_agent))


# "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers; feed-id=1234)",
# "Inoreader/1.0 (+http://www.inoreader.com/feed-fetcher; 12 subscribers; )",
# "NewsBlur Feed Fetcher - 7 subscribers - http://www.newsblur.com/site/123/x",
# "Feedbin feed-id:1234 - 5 subscribers", "theoldreader.com (+http://theoldreader.com/feeds/
# ...; 3 subscribers; feed-id=abc)".
AGGREGATORS = {
    "feedly": "Feedly",
    "inoreader": "Inoreader",
    "newsblur": "NewsBlur",
    "feedbin": "Feedbin",
    "theoldreader": "The Old Reader",
    "the old reader": "The Old Reader",
}
SUBSCRIBERS = re.compile(r"(\d+)\s+(?:subscribers?|readers?)\b", re.IGNORECASE)
FEED_ID = re.compile(r"feed-id[=:]\s*([\w.-]+)", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def subscriber_report(user_agent: str) -> tuple[str, str, int] | None:
    """(aggregator, feed id, subscribers) from a feed aggregator's User-Agent, or None."""
    lowered = (user_agent or "").lower()
    aggregator = next((name for key, name in AGGREGATORS.items() if key in lowered), None)
    found = SUBSCRIBERS.search(user_agent or "")
    if aggregator is None or found is None:
        return None
    feed_id = FEED_ID.search(user_agent)
    return aggregator, (feed_id.group(1) if feed_id else "")[:200], int(found.group(1))


_today = (0.0, None)  # (until when, as a time stamp; the day)


def today() -> datetime.date:
    """The day in Copenhagen, worked out once a day (timezone.localdate() took most of the cost
    of counting a request)."""
    global _today
    now = time.time()
    until, day = _today
    if now < until and day is not None:
        return day
    local = timezone.localtime()
    following = (local + datetime.timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    _today = (following.timestamp(), local.date())
    return local.date()


class Counters:
    """This process's counters, written to the database in batches."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pending: Counter = Counter()
        self.reports: dict = {}  # (feed, aggregator, feed id) -> (subscribers, when)
        self.last_flush = time.monotonic()

    def add(self, kind: str, key: str, *, day: datetime.date | None = None) -> None:
        day = day or today()
        with self.lock:
            if len(self.pending) < MAX_PENDING:
                self.pending[(kind, key, day)] += 1

    def add_report(self, feed: str, aggregator: str, feed_id: str, subscribers: int) -> None:
        with self.lock:
            self.reports[(feed, aggregator, feed_id)] = (subscribers, timezone.now())

    def due(self) -> bool:
        return time.monotonic() - self.last_flush >= settings.COUNT_FLUSH_SECONDS

    def flush(self) -> int:
        """Write what is pending in one transaction; keep it for next time if that fails.
        Returns how many counters were written."""
        with self.lock:
            pending, self.pending = self.pending, Counter()
            reports, self.reports = self.reports, {}
            self.last_flush = time.monotonic()
        if not pending and not reports:
            return 0
        try:
            # With a read replica and the primary down, one quick try and no waiting
            # (common.replica.quietly); False then, and the counts wait for the next flush.
            written = quietly(_write_batch, default=False)(pending, reports)
        except Exception:  # noqa: BLE001 - counting never fails a page
            logger.warning("Counts not written yet; kept for the next try", exc_info=True)
            written = False
        if not written:
            with self.lock:
                for counter_key, number in pending.items():
                    if len(self.pending) < MAX_PENDING or counter_key in self.pending:
                        self.pending[counter_key] += number
                for report_key, value in reports.items():
                    self.reports.setdefault(report_key, value)
            return 0
        return len(pending) + len(reports)


counters = Counters()


def count_request(
    path: str, query: str, user_agent: str, *, staff: bool, day: datetime.date | None = None
) -> None:
    """Count one answered GET (status 200) if it is a reader's and one of ours."""
    if staff:
        return
    found = classify(path, query)
    if found is None:
        return
    kind, key = found
    if kind == "feed":
        # Feed readers are the audience here: every fetch is counted, and an aggregator's
        # report of its subscribers is kept.
        report = subscriber_report(user_agent)
        if report is not None:
            counters.add_report(key, *report)
        counters.add(kind, key, day=day)
        return
    if is_bot(user_agent):
        return
    counters.add(kind, key, day=day)


def _write_batch(pending: Counter, reports: dict) -> bool:
    with transaction.atomic():
        _write(pending, reports)
    return True


def _upsert(table: str, unique: list[str], rows: list[tuple], columns: list[str]) -> None:
    """INSERT … ON CONFLICT DO UPDATE SET count = count + excluded.count (PostgreSQL and
    SQLite alike)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    count = quote("count")
    sql = (
        f"INSERT INTO {quote(table)} ({names}) VALUES ({marks}) "
        f"ON CONFLICT ({', '.join(quote(c) for c in unique)}) "
        f"DO UPDATE SET {count} = {quote(table)}.{count} + excluded.{count}"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _write(pending: Counter, reports: dict) -> None:
    from newsroom.models import PressRelease
    from stats.models import FeedDayCount, FeedSubscribers, PhotoDayCount, ReleaseDayCount

    slugs = {key for (kind, key, _day) in pending if kind not in ("photo", "feed")}
    release_ids = dict(PressRelease.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    release_rows, photo_rows, feed_rows = [], [], []
    for (kind, key, day), number in pending.items():
        if kind == "feed":
            feed_rows.append((key, day, number))
        elif kind == "photo":
            photo_rows.append((int(key), day, number))
        elif key in release_ids:
            release_rows.append((release_ids[key], day, kind, number))
    existing_images = set()
    if photo_rows:
        from media.models import Image

        existing_images = set(
            Image.objects.filter(pk__in={row[0] for row in photo_rows}).values_list("pk", flat=True)
        )
    _upsert(
        ReleaseDayCount._meta.db_table,
        ["release_id", "day", "channel"],
        release_rows,
        ["release_id", "day", "channel", "count"],
    )
    _upsert(
        PhotoDayCount._meta.db_table,
        ["image_id", "day"],
        [row for row in photo_rows if row[0] in existing_images],
        ["image_id", "day", "count"],
    )
    _upsert(FeedDayCount._meta.db_table, ["feed", "day"], feed_rows, ["feed", "day", "count"])
    for (feed, aggregator, feed_id), (subscribers, when) in reports.items():
        FeedSubscribers.objects.update_or_create(
            feed=feed,
            aggregator=aggregator,
            feed_id=feed_id,
            defaults={"subscribers": subscribers, "reported_at": when},
        )


def unquoted_path(environ) -> str:
    """The request's path as Django reads it (PEP 3333 hands over Latin-1 of the bytes)."""
    raw = environ.get("PATH_INFO", "")
    try:
        return raw.encode("iso-8859-1").decode("utf-8")
    except UnicodeError:
        return raw
