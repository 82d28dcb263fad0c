"""The admin's front page: what is coming, what waits, who changed what, who listens, and a
year of releases and alerts per month."""

import datetime
from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format

from newsroom.models import AlertDelivery, PressRelease, PreviewLink, Subscription, Topic

LIST_LENGTH = 10
CHART_MONTHS = 12


@dataclass
class MonthBar:
    month: datetime.date
    releases: int
    alerts: int

    @property
    def label(self) -> str:
        return date_format(self.month, "M y")


def months_back(count: int) -> list[datetime.date]:
    """The first day of this month and the count - 1 months before it, oldest first."""
    first = timezone.localdate().replace(day=1)
    months = [first]
    for _ in range(count - 1):
        months.append((months[-1] - datetime.timedelta(days=1)).replace(day=1))
    return months[::-1]


def per_month(queryset, field: str, since: datetime.date) -> dict[datetime.date, int]:
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time()))
    rows = (
        queryset.filter(**{f"{field}__gte": start})
        .annotate(month=TruncMonth(field, tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(total=Count("pk"))
    )
    return {row["month"].date(): row["total"] for row in rows}


# The chart's geometry in SVG units: a column per month with two bars side by side.
PLOT_HEIGHT = 160
COLUMN_WIDTH = 56
BAR_WIDTH = 20
TOP_MARGIN = 20


def chart_geometry(chart: list[MonthBar]) -> dict:
    """Bars with their positions, so the template only draws: solid bars for releases, hatched
    ones for alerts, each with its number written above it (the chart reads without colour)."""
    peak = max([1, *(max(bar.releases, bar.alerts) for bar in chart)])

    def bar(x: int, value: int) -> dict:
        height = round(PLOT_HEIGHT * value / peak)
        top = TOP_MARGIN + PLOT_HEIGHT - height
        return {
            "x": x,
            "y": top,
            "height": height,
            "value": value,
            "label_y": top - 4,
            "label_x": x + BAR_WIDTH // 2,
        }

    columns = []
    for index, month in enumerate(chart):
        left = index * COLUMN_WIDTH + 8
        columns.append(
            {
                "month": month,
                "releases": bar(left, month.releases),
                "alerts": bar(left + BAR_WIDTH + 2, month.alerts),
                "label_x": left + BAR_WIDTH + 1,
            }
        )
    return {
        "columns": columns,
        "width": COLUMN_WIDTH * len(chart) + 16,
        "height": TOP_MARGIN + PLOT_HEIGHT + 24,
        "baseline": TOP_MARGIN + PLOT_HEIGHT,
        "month_label_y": TOP_MARGIN + PLOT_HEIGHT + 16,
        "bar_width": BAR_WIDTH,
    }


def monthly_chart() -> list[MonthBar]:
    months = months_back(CHART_MONTHS)
    releases = per_month(PressRelease.objects.published(), "publish_at", months[0])
    alerts = per_month(AlertDelivery.objects.filter(sent_at__isnull=False), "sent_at", months[0])
    return [MonthBar(m, releases.get(m, 0), alerts.get(m, 0)) for m in months]


def dashboard() -> dict:
    now = timezone.now()
    upcoming = PressRelease.objects.filter(
        status__in=PressRelease.RELEASED, publish_at__gt=now
    ).order_by("publish_at")[:LIST_LENGTH]
    previews = (
        PreviewLink.objects.usable()
        .select_related("release")
        .annotate(opening_total=Count("openings"))
        .order_by("release__publish_at", "name")[:LIST_LENGTH]
    )
    drafts = PressRelease.objects.filter(status=PressRelease.Status.DRAFT).order_by("-updated_at")[
        :LIST_LENGTH
    ]
    changes = LogEntry.objects.select_related("user", "content_type")[:LIST_LENGTH]
    confirmed = Subscription.objects.confirmed()
    topics = (
        Topic.objects.annotate(
            subscriber_total=Count(
                "subscriptions", filter=Q(subscriptions__confirmed_at__isnull=False)
            )
        )
        .filter(subscriber_total__gt=0)
        .order_by("-subscriber_total", "name")
    )
    chart = monthly_chart()
    return {
        "upcoming": upcoming,
        "previews": previews,
        "drafts": drafts,
        "changes": changes,
        "subscribers_all": confirmed.filter(all_releases=True).count(),
        "subscribers_total": confirmed.count(),
        "topics": topics,
        "chart": chart,
        "geometry": chart_geometry(chart),
    }
