"""Deep pages of the index and of other lists show the same releases an OFFSET would (the index
starts from a kept key, the others read their rows' keys first), and sitemaps stay within the
protocol's 50,000 addresses a file."""

import datetime
import re

import pytest
from django.utils import timezone

from newsroom import parts
from newsroom.sitemaps import sitemaps
from tests.factories import PressReleaseFactory, TopicFactory

pytestmark = pytest.mark.django_db


def titles(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return re.findall(r"Dyb side (\d+)\b", response.content.decode())


@pytest.fixture
def releases():
    topic = TopicFactory(name="Dybt emne")
    now = timezone.now().replace(microsecond=0)
    made = []
    for number in range(47):
        # Two at the same second each time: the key's tie on the id is taken as the order does.
        release = PressReleaseFactory(
            title=f"Dyb side {number}",
            publish_at=now - datetime.timedelta(hours=1 + number // 2),
        )
        release.topics.add(topic)
        made.append(release)
    return topic


def test_deep_index_pages_match_the_plain_order(client, releases, monkeypatch):
    expected = [titles(client, f"/?page={page}") for page in range(1, 6)]
    monkeypatch.setattr(parts, "INDEX_ANCHOR_EVERY", 7)  # anchors inside and across pages
    parts._kept_in_process.clear()
    assert [titles(client, f"/?page={page}") for page in range(1, 6)] == expected
    shown = [int(number) for page in expected for number in page]
    assert sorted(shown) == list(range(47)) and len(set(shown)) == 47
    assert client.get("/?page=6").status_code == 404


@pytest.mark.parametrize("anchor_every", [100, 7])
def test_deep_pages_of_a_topic_and_a_filter_show_each_release_once(
    client, releases, monkeypatch, anchor_every
):
    from newsroom import paging

    monkeypatch.setattr(paging, "ANCHOR_EVERY", anchor_every)  # keyset from kept anchors
    parts._kept_in_process.clear()
    for url in (f"/emner/{releases.slug}/?page=", f"/?emne={releases.slug}&page="):
        shown = [number for page in range(1, 6) for number in titles(client, f"{url}{page}")]
        assert sorted(map(int, shown)) == list(range(47)), url


def test_every_sitemap_file_stays_within_the_protocol_limit():
    for section in sitemaps.values():
        sitemap = section() if isinstance(section, type) else section
        assert 0 < sitemap.limit <= 50_000
