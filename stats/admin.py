import csv

from django.contrib import admin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from newsroom.models import PressRelease
from stats import reports
from stats.models import ReleaseDayCount


@admin.register(ReleaseDayCount)
class ReleaseDayCountAdmin(admin.ModelAdmin):
    """The counts as they are kept, and their CSV exports (per release, per month)."""

    list_display = ["release", "day", "channel", "count"]
    list_filter = ["channel"]
    date_hierarchy = "day"
    list_select_related = ["release"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def get_urls(self):
        return [
            path(
                "release/<int:pk>/csv/",
                self.admin_site.admin_view(self.release_csv),
                name="stats_release_csv",
            ),
            path(
                "month/<int:year>/<int:month>/csv/",
                self.admin_site.admin_view(self.month_csv),
                name="stats_month_csv",
            ),
            *super().get_urls(),
        ]

    def release_csv(self, request, pk):
        release = get_object_or_404(PressRelease, pk=pk)
        response = _csv_response(f"laesere-{release.slug}.csv")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(["day", *reports.FIELDS])
        for row in reports.release_days(release, days=_days_since(release)):
            writer.writerow([row["day"].isoformat(), *(row[name] for name in reports.FIELDS)])
        return response

    def month_csv(self, request, year, month):
        if not 1 <= month <= 12:
            raise Http404
        first, last = reports.month_range(year, month)
        response = _csv_response(f"laesere-{year}-{month:02d}.csv")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(["release", "slug", *reports.FIELDS])
        for release in PressRelease.objects.filter(
            pk__in=ReleaseDayCount.objects.filter(day__range=(first, last)).values("release")
        ).order_by("publish_at"):
            days = reports.release_days(release, days=_days_since(release))
            in_month = [row for row in days if first <= row["day"] <= last]
            writer.writerow(
                [
                    release.title,
                    release.slug,
                    *(sum(row[name] for row in in_month) for name in reports.FIELDS),
                ]
            )
        return response


def _days_since(release) -> int:
    from django.utils import timezone

    if release.publish_at is None:
        return reports.FIRST_DAYS
    return max(1, (timezone.localdate() - timezone.localdate(release.publish_at)).days + 1)


def _csv_response(filename: str) -> HttpResponse:
    # With a byte-order mark, so Excel reads æ, ø and å right.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response

