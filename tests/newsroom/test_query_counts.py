"""Every public page issues the same number of queries with 3 or with 30 of everything."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    ImageFactory,
    MediaContactFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    PressReleaseFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def freeze_records():
    """As publishing does: a public release carries its frozen "Om" boxes and contacts."""
    from newsroom.models import PressRelease

    for release in PressRelease.objects.for_page().filter(record__isnull=True):
        release.freeze_record()
        PressRelease.objects.filter(pk=release.pk).update(record=release.record)


def build(n: int, *, frozen: bool = True):
    organisation = OrganisationFactory(name=f"Fælles Organisation {n}")
    topic = TopicFactory(name=f"Fælles emne {n}")
    person = PersonFactory(name=f"Fælles Person {n}")
    for _ in range(n):
        PositionFactory(person=person, organisation=OrganisationFactory())
    release = None
    for _ in range(n):
        extra = PersonFactory()
        PositionFactory(person=extra)
        release = PressReleaseFactory(people=[person, extra], photos=[ImageFactory()])
        release.topics.add(topic, TopicFactory())
        release.organisations.add(organisation)
        release.contacts.add(MediaContactFactory(), MediaContactFactory())
    if frozen:
        freeze_records()
    year, month = release.publish_at.year, release.publish_at.month
    return {
        "index": reverse("newsroom:release-list"),
        "filtered": reverse("newsroom:release-list") + f"?emne={topic.slug}&aar={year}",
        "archive": reverse("newsroom:archive"),
        "archive-year": reverse("newsroom:archive-year", args=[year]),
        "archive-month": reverse("newsroom:archive-month", args=[year, month]),
        "search": reverse("newsroom:search") + "?q=Pressemeddelelse",
        "contacts": reverse("newsroom:contacts"),
        "presskit": reverse("newsroom:presskit"),
        "release-presskit": reverse("newsroom:release-presskit", args=[release.slug]),
        "feeds": reverse("newsroom:feeds"),
        "atom": reverse("newsroom:feed", args=["atom"]),
        "json": reverse("newsroom:feed", args=["json"]),
        "topic-feed": reverse("newsroom:scoped-feed", args=["emner", topic.slug, "rss"]),
        "release": release.get_absolute_url(),
        "person": person.get_absolute_url(),
        "organisation": organisation.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "rss": reverse("newsroom:feed", args=["rss"]),
        "sitemap": reverse("sitemap"),
        "sitemap-releases": reverse("sitemap-section", args=["releases"]),
        "sitemap-organisations": reverse("sitemap-section", args=["organisations"]),
    }


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    # Savepoints are the test's transaction showing through (a page keeping its rendered
    # parts writes in one statement; in a transaction, Django wraps it in a savepoint).
    return sum(
        1 for query in context.captured_queries if "SAVEPOINT" not in query["sql"].split()[:2]
    )


def test_query_counts_do_not_grow_with_data(client):
    small = {name: count_queries(client, url) for name, url in build(3).items()}
    large = {name: count_queries(client, url) for name, url in build(30).items()}
    assert small == large
    # The release page of the target (a generation's first request included).
    assert max(small.values()) <= 10, sorted(small.items(), key=lambda item: -item[1])


def test_pages_written_live_keep_a_constant_count_too(client):
    """Releases without a frozen record (imported, or older data) write their boxes live."""
    small = {name: count_queries(client, url) for name, url in build(3, frozen=False).items()}
    large = {name: count_queries(client, url) for name, url in build(30, frozen=False).items()}
    assert small == large


def test_the_newsrooms_own_feeds_take_one_query_once_their_entries_are_kept(client, settings):
    # The public state and the kept entries come in one statement (newsroom.parts); counted
    # without the page cache, as the feed is served uncached.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.startswith("newsroom.cache.")]
    build(5)
    for format_name in ("rss", "atom", "json"):
        url = reverse("newsroom:feed", args=[format_name])
        client.get(url)  # renders and keeps the entries
        assert count_queries(client, url) == 1, format_name
