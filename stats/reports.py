"""What happened to a release, from the counters and from the logs the newsroom keeps anyway
(alerts sent, pitch mails sent, embargo link openings)."""

import datetime
from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from newsroom.models import AlertDelivery, PressRelease, PreviewOpening, ReleaseImage
from outreach.models import PitchDelivery
from stats.models import Channel, FeedDayCount, FeedSubscribers, PhotoDayCount, ReleaseDayCount

FIRST_DAYS = 14
# The names `manage.py release_stats --json` prints, in order.
FIELDS = (
    "views",
    "views_en",
    "pdf_downloads",
    "photo_downloads",
    "api_reads",
    "alert_mails",
    "pitch_mails",
    "preview_openings",
)
CHANNEL_FIELDS = {
    Channel.VIEW_DA: "views",
    Channel.VIEW_EN: "views_en",
    Channel.PDF: "pdf_downloads",
    Channel.API: "api_reads",
    Channel.OEMBED: "api_reads",  # oEmbed is a read through the API
}


def _local_day(field):
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def release_totals(release: PressRelease) -> dict:
    """Everything counted for one release, all time."""
    totals = dict.fromkeys(FIELDS, 0)
    for channel, number in (
        ReleaseDayCount.objects.filter(release=release)
        .values_list("channel")
        .annotate(total=Sum("count"))
    ):
        totals[CHANNEL_FIELDS[channel]] += number
    photos = ReleaseImage.objects.filter(release=release).values("image")
    totals["photo_downloads"] = (
        PhotoDayCount.objects.filter(image__in=photos).aggregate(total=Sum("count"))["total"] or 0
    )
    totals["alert_mails"] = AlertDelivery.objects.filter(
        release=release, sent_at__isnull=False
    ).count()
    totals["pitch_mails"] = PitchDelivery.objects.filter(
        release=release, status__in=[PitchDelivery.Status.SENT, PitchDelivery.Status.BOUNCED]
    ).count()
    totals["preview_openings"] = PreviewOpening.objects.filter(link__release=release).count()
    return totals


def first_day(release: PressRelease, days: int = FIRST_DAYS) -> datetime.date:
    """Where a release's days start: its publication day while it is in its first `days` days,
    later the last `days` days (an old release is read today, not in its first fortnight)."""
    today = timezone.localdate()
    published = timezone.localdate(release.publish_at) if release.publish_at else today
    latest_start = today - datetime.timedelta(days=days - 1)
    return published if published >= latest_start else latest_start


def release_days(release: PressRelease, days: int = FIRST_DAYS, start=None) -> list[dict]:
    """Per day from `start` (its publication by default), `days` days: each field as above."""
    if start is None:
        start = (
            timezone.localdate(release.publish_at) if release.publish_at else timezone.localdate()
        )
    end = start + datetime.timedelta(days=days - 1)
    rows = {start + datetime.timedelta(days=n): dict.fromkeys(FIELDS, 0) for n in range(days)}
    for day, channel, number in ReleaseDayCount.objects.filter(
        release=release, day__range=(start, end)
    ).values_list("day", "channel", "count"):
        rows[day][CHANNEL_FIELDS[channel]] += number
    photos = ReleaseImage.objects.filter(release=release).values("image")
    for day, number in (
        PhotoDayCount.objects.filter(image__in=photos, day__range=(start, end))
        .values_list("day")
        .annotate(total=Sum("count"))
    ):
        rows[day]["photo_downloads"] += number
    logs = (
        (
            "alert_mails",
            AlertDelivery.objects.filter(release=release, sent_at__isnull=False),
            "sent_at",
        ),
        (
            "pitch_mails",
            PitchDelivery.objects.filter(release=release, sent_at__isnull=False),
            "sent_at",
        ),
        ("preview_openings", PreviewOpening.objects.filter(link__release=release), "opened_at"),
    )
    for field, queryset, moment in logs:
        for day, number in (
            queryset.annotate(day=_local_day(moment))
            .filter(day__range=(start, end))
            .values_list("day")
            .annotate(total=Count("pk"))
        ):
            rows[day][field] += number
    return [{"day": day, **counts} for day, counts in sorted(rows.items())]


def month_range(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, month, 1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def most_read(year: int, month: int, limit: int = 10) -> list[dict]:
    """The releases read most in a month (pages in both languages, PDFs and API reads)."""
    first, last = month_range(year, month)
    top = (
        ReleaseDayCount.objects.filter(day__range=(first, last))
        .values("release")
        .annotate(
            total=Sum("count"),
            views=Sum("count", filter=Q(channel__in=[Channel.VIEW_DA, Channel.VIEW_EN])),
        )
        .order_by("-total")[:limit]
    )
    titles = dict(
        PressRelease.objects.filter(pk__in=[row["release"] for row in top]).values_list(
            "pk", "title"
        )
    )
    return [
        {"release_id": row["release"], "title": titles.get(row["release"], ""), **row}
        for row in top
    ]


def month_totals(months: int = 12) -> list[dict]:
    """Readers per month, the last `months` months: pages, PDFs, photos, API, feed fetches."""
    today = timezone.localdate()
    first = today.replace(day=1)
    for _n in range(months - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    totals = defaultdict(lambda: dict.fromkeys(("views", "pdf", "photos", "api", "feeds"), 0))
    for day, channel, number in ReleaseDayCount.objects.filter(day__gte=first).values_list(
        "day", "channel", "count"
    ):
        key = {"view_da": "views", "view_en": "views", "pdf": "pdf"}.get(channel, "api")
        totals[(day.year, day.month)][key] += number
    for day, number in PhotoDayCount.objects.filter(day__gte=first).values_list("day", "count"):
        totals[(day.year, day.month)]["photos"] += number
    for day, number in FeedDayCount.objects.filter(day__gte=first).values_list("day", "count"):
        totals[(day.year, day.month)]["feeds"] += number
    rows = []
    cursor = first
    while cursor <= today:
        rows.append(
            {"year": cursor.year, "month": cursor.month, **totals[(cursor.year, cursor.month)]}
        )
        cursor = (cursor + datetime.timedelta(days=32)).replace(day=1)
    return rows


def feed_report() -> list[dict]:
    """Per feed: fetches (all time and the last 30 days) and subscribers, the latest report of
    each aggregator (and feed id) summed."""
    since = timezone.localdate() - datetime.timedelta(days=29)
    feeds = defaultdict(lambda: {"fetches": 0, "fetches_30_days": 0, "subscribers": 0})
    for feed, day, number in FeedDayCount.objects.values_list("feed", "day", "count"):
        feeds[feed]["fetches"] += number
        if day >= since:
            feeds[feed]["fetches_30_days"] += number
    aggregators = defaultdict(dict)
    for report in FeedSubscribers.objects.all():
        feeds[report.feed]["subscribers"] += report.subscribers
        aggregators[report.feed][report.aggregator] = (
            aggregators[report.feed].get(report.aggregator, 0) + report.subscribers
        )
    return [
        {"feed": feed, **numbers, "aggregators": aggregators.get(feed, {})}
        for feed, numbers in sorted(feeds.items())
    ]
