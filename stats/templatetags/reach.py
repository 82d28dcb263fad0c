"""The counts where staff look: on a release's admin page and on the dashboard."""

from django import template
from django.urls import reverse
from django.utils import timezone

from stats import reports
from stats.counting import counters

register = template.Library()

# The release chart: one stacked column per day, each channel drawn in its own pattern (solid,
# hatched, dotted, outlined, cross-hatched), so it reads without colour; the table says it all.
SEGMENTS = [
    ("views", "reach-solid"),
    ("views_en", "reach-hatch"),
    ("pdf_downloads", "reach-dots"),
    ("api_reads", "reach-open"),
    ("photo_downloads", "reach-cross"),
]
WIDTH, HEIGHT, COLUMN, BAR, TOP, BOTTOM = 700, 220, 50, 30, 16, 30


def _n(value: float) -> str:
    # As text: the template would write a float the Danish way ("25,5"), which SVG cannot read.
    return f"{value:.1f}"


def _geometry(days: list[dict]) -> dict:
    highest = max((sum(day[name] for name, _ in SEGMENTS) for day in days), default=0) or 1
    plot = HEIGHT - TOP - BOTTOM
    columns = []
    for index, day in enumerate(days):
        x = index * COLUMN + (COLUMN - BAR) / 2
        y = HEIGHT - BOTTOM
        segments = []
        for name, pattern in SEGMENTS:
            height = day[name] / highest * plot
            if height:
                y -= height
                segments.append({"y": _n(y), "height": _n(height), "fill": pattern})
        total = sum(day[name] for name, _ in SEGMENTS)
        columns.append(
            {
                "x": _n(x),
                "segments": segments,
                "total": total,
                "total_y": _n(y - 4),
                "label_x": _n(x + BAR / 2),
                "label": f"{day['day'].day}/{day['day'].month}",
            }
        )
    return {
        "width": len(days) * COLUMN or WIDTH,
        "height": HEIGHT,
        "bar": BAR,
        "baseline": HEIGHT - BOTTOM,
        "day_label_y": HEIGHT - 10,
        "columns": columns,
    }


@register.inclusion_tag("stats/release_reach.html")
def release_reach(release):
    counters.flush()  # what this process has counted so far
    start = reports.first_day(release)
    days = reports.release_days(release, start=start)
    published = timezone.localdate(release.publish_at) if release.publish_at else start
    return {
        "release": release,
        "first_days": start == published,
        "totals": reports.release_totals(release),
        "days": days,
        "geometry": _geometry(days),
        "csv_url": reverse("admin:stats_release_csv", args=[release.pk]),
    }


@register.inclusion_tag("stats/dashboard_reach.html")
def dashboard_reach():
    counters.flush()
    today = timezone.localdate()
    months = reports.month_totals()
    return {
        "most_read": reports.most_read(today.year, today.month),
        "months": months,
        "feeds": reports.feed_report(),
        "month_csv_url": reverse("admin:stats_month_csv", args=[today.year, today.month]),
    }
