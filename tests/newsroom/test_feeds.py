import feedparser
import pytest
from django.urls import reverse

from newsroom.models import PressRelease

pytestmark = pytest.mark.django_db


def test_rss_feed_parses_and_carries_the_seed_release(client, seed_release):
    response = client.get(reverse("newsroom:feed-rss"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "rss20"
    assert feed.feed.description
    [entry] = feed.entries
    assert entry.title == "Ny direktør med fokus på samskabelse"
    assert entry.link == "http://testserver" + seed_release.get_absolute_url()
    assert entry.id == f"urn:uuid:{seed_release.guid}"
    # Full text with absolute image links.
    assert "Vi skal simpelthen stå ved det" in entry.description
    assert 'src="/' not in entry.description
    [enclosure] = entry.enclosures
    assert enclosure.type == "image/jpeg"
    assert enclosure.href.startswith("http://testserver/media/images/")
    assert int(enclosure.length) == seed_release.images.get().file.size
    assert entry.published_parsed[:3] == (2021, 5, 3)
    assert {tag.term for tag in entry.tags} == {"Samskabelse", "Ledelse", "Socialområdet"}


def test_guid_stays_when_title_and_slug_change(client, seed_release):
    seed_release.title = "Ny titel"
    seed_release.slug = "ny-titel"
    seed_release.save()
    feed = feedparser.parse(client.get(reverse("newsroom:feed-rss")).content)
    assert feed.entries[0].id == f"urn:uuid:{seed_release.guid}"
    assert PressRelease.objects.get().guid == seed_release.guid


def test_every_page_announces_the_feed(client, seed_release):
    for url in ["/", seed_release.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert '<link rel="alternate" type="application/rss+xml"' in html
        assert reverse("newsroom:feed-rss") in html
