"""Prepared queries (common.prepared): the ORM's own SQL, compiled once, gives the same rows
as the ORM for every value it is run with."""

import datetime

import pytest
from django.db import DataError, connection
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from common.prepared import PreparedQuery, as_datetime
from newsroom.models import PressRelease
from tests.factories import PressReleaseFactory

pytestmark = pytest.mark.django_db


def published_titled(now, prefix_title):
    return PressRelease.objects.published(now).filter(title=prefix_title).order_by("pk")


def test_the_same_rows_as_the_orm_for_each_value():
    now = timezone.now()
    for n in range(3):
        PressReleaseFactory(title=f"Titel {n}", publish_at=now - datetime.timedelta(days=n))
    query = PreparedQuery(published_titled)
    day = datetime.timedelta(days=1)
    for moment in [now, now - day - datetime.timedelta(hours=1), now - 9 * day]:
        for title in ["Titel 0", "Titel 1", "Titel 2", "ingen"]:
            expected = list(published_titled(moment, title))
            assert list(query.raw(now=moment, prefix_title=title)) == expected
            assert query.count(now=moment, prefix_title=title) == len(expected)


def test_values_inside_text_limit_and_offset_and_datetime_annotations():
    now = timezone.now()
    releases = [
        PressReleaseFactory(title=f"Side {n}", publish_at=now - datetime.timedelta(hours=n))
        for n in range(5)
    ]

    def named(suffix):
        latest = PressRelease.objects.filter(pk=OuterRef("pk")).values("publish_at")[:1]
        return (
            PressRelease.objects.filter(title__startswith="Side")
            .exclude(title=f"Side {suffix}")
            .annotate(shown_at=Subquery(latest))
            .order_by("-publish_at")
        )

    query = PreparedQuery(named)
    rows = list(query.raw(suffix="0", limit=2, offset=1))
    assert [row.title for row in rows] == ["Side 2", "Side 3"]
    assert [as_datetime(row.shown_at) for row in rows] == [
        releases[2].publish_at,
        releases[3].publish_at,
    ]
    assert query.count(suffix="9") == 5


def test_a_value_that_does_not_reach_the_database_is_refused():
    def sliced(size):
        return PressRelease.objects.all()[:size]  # a LIMIT is written into the SQL

    with pytest.raises(ValueError, match="size"):
        list(PreparedQuery(sliced).raw(size=3))

    def aggregated(now):
        return PressRelease.objects.filter(publish_at__lte=now).annotate(last=Max("publish_at"))

    assert list(PreparedQuery(aggregated).raw(now=timezone.now())) == []


def test_a_value_read_inside_the_build_is_refused():
    """A timezone.now() inside the build (not passed in) would be kept for the process's
    life: the index once showed stories twice because of one."""

    def published_now(title):
        return PressRelease.objects.published().filter(title=title)

    with pytest.raises(ValueError, match="not passed in"):
        list(PreparedQuery(published_now).raw(title="x"))


def test_plain_rows_carry_the_same_values_with_aware_dates():
    now = timezone.now()
    for n in range(3):
        PressReleaseFactory(title="Række", publish_at=now - datetime.timedelta(hours=n + 1))
    query = PreparedQuery(
        lambda now, prefix_title: published_titled(now, prefix_title).only("publish_at", "title")
    )
    expected = list(published_titled(now, "Række"))
    rows = query.rows(now=now, prefix_title="Række", limit=2, offset=1)
    assert [(row.id, row.title, row.publish_at) for row in rows] == [
        (release.pk, release.title, release.publish_at) for release in expected[1:3]
    ]
    assert all(timezone.is_aware(row.publish_at) for row in rows)


def divided_by(n):
    from django.db.models.expressions import RawSQL

    return PressRelease.objects.annotate(share=RawSQL("100 / %s", (n,))).only("pk")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plan_cache_mode is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_generic_plan_is_asked_for_one_query_only_even_when_it_fails():
    PressReleaseFactory(title="Plan")
    query = PreparedQuery(divided_by, generic_plan=True)
    show = "SHOW plan_cache_mode"
    for _ in range(7):  # past psycopg's prepare threshold: run as a prepared statement
        assert [row.share for row in query.rows(n=4)] == [25]
        assert connection.connection.execute(show).fetchone() == ("auto",)
    with pytest.raises(DataError, match="division by zero"):
        query.rows(n=0)
    assert connection.connection.execute(show).fetchone() == ("auto",)
    assert [row.share for row in query.rows(n=5)] == [20]
