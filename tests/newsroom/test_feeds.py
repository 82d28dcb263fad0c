"""Feeds as a feed reader and the W3C validator see them."""

import email.utils
import html
import json
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.urls import reverse

from newsroom.models import PressRelease
from organisations.models import Organisation
from people.models import Person

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def feed_urls(seed_release):
    topic = seed_release.topics.order_by("name").first()
    los = Organisation.objects.get(short_name="LOS")
    mads = Person.objects.get(name="Mads Roke Clausen")
    urls = []
    for format_name in ("rss", "atom", "json"):
        urls.append(reverse("newsroom:feed", args=[format_name]))
        for scope, obj in (("emner", topic), ("organisationer", los), ("personer", mads)):
            urls.append(reverse("newsroom:scoped-feed", args=[scope, obj.slug, format_name]))
    return urls


def test_every_feed_parses_without_errors_and_carries_the_seed(client, seed_release):
    for url in feed_urls(seed_release):
        response = client.get(url)
        assert response.status_code == 200, url
        if url.endswith("/json/"):  # feedparser reads XML feeds only
            [entry] = json.loads(response.content)["items"]
            entry["link"] = entry["url"]
        else:
            feed = feedparser.parse(response.content)
            assert not feed.bozo, (url, feed.get("bozo_exception"))
            [entry] = feed.entries
        assert entry["title"] == "Ny direktør med fokus på samskabelse", url
        assert entry["link"] == "http://testserver" + seed_release.get_absolute_url(), url
        assert entry["id"] == f"urn:uuid:{seed_release.guid}", url


def test_rss_entry_has_full_text_summary_enclosure_and_categories(client, seed_release):
    response = client.get(reverse("newsroom:feed", args=["rss"]))
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert feed.version == "rss20"
    assert feed.feed.description
    assert feed.feed.language == "da"
    [entry] = feed.entries
    assert entry.summary.startswith("I dag sætter 52-årige Mads Roke Clausen")
    content = entry.content[0].value
    assert "Vi skal simpelthen stå ved det" in content
    assert "Poul-Louis Larsen" in content and "+45 92 82 38 87" in content
    assert 'src="/' not in content and 'href="/' not in content
    [enclosure] = entry.enclosures
    photo = seed_release.images.get()
    assert enclosure.type == "image/jpeg"
    assert enclosure.href == "http://testserver" + photo.master.url
    assert int(enclosure.length) == photo.master.size
    assert entry.author == "LOS – Landsorganisationen for sociale tilbud"
    assert {tag.term for tag in entry.tags} == {"Samskabelse", "Ledelse", "Socialområdet"}


def test_rss_dates_are_rfc822_with_copenhagen_offset(client, seed_release):
    root = ET.fromstring(client.get(reverse("newsroom:feed", args=["rss"])).content)
    pub_date = root.find("channel/item/pubDate").text
    parsed = email.utils.parsedate_to_datetime(pub_date)
    assert parsed.utcoffset().total_seconds() == 2 * 3600  # CEST on 3 May 2021
    assert (parsed.year, parsed.month, parsed.day, parsed.hour) == (2021, 5, 3, 9)
    self_link = root.find(f"channel/{ATOM}link")
    assert self_link.get("rel") == "self"
    assert self_link.get("href") == "http://testserver" + reverse("newsroom:feed", args=["rss"])
    for element in root.iter():
        for attribute in ("href", "url"):
            value = element.get(attribute)
            if value:
                assert value.startswith("http"), value
    assert root.find("channel/link").text.startswith("http://testserver/")


def test_atom_feed_follows_rfc_4287(client, seed_release):
    url = reverse("newsroom:feed", args=["atom"])
    response = client.get(url)
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert RFC3339.match(root.find(f"{ATOM}updated").text)
    self_links = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert [link.get("href") for link in self_links] == ["http://testserver" + url]
    entries = root.findall(f"{ATOM}entry")
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert len(ids) == len(set(ids)) == 1
    entry = entries[0]
    assert RFC3339.match(entry.find(f"{ATOM}updated").text)
    assert entry.find(f"{ATOM}published").text.startswith("2021-05-03T09:00:00+02:00")
    assert entry.find(f"{ATOM}content").get("type") == "html"
    assert entry.find(f"{ATOM}summary").text.startswith("I dag sætter")
    assert entry.find(f"{ATOM}author/{ATOM}name").text


def test_json_feed_follows_version_1_1(client, seed_release):
    url = reverse("newsroom:feed", args=["json"])
    response = client.get(url)
    assert response["Content-Type"] == "application/feed+json; charset=utf-8"
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["home_page_url"].startswith("http://testserver/")
    assert feed["feed_url"] == "http://testserver" + url
    assert feed["language"] == "da"
    [item] = feed["items"]
    assert set(item) >= {"id", "url", "title", "content_html", "summary", "date_published"}
    assert isinstance(item["id"], str) and item["id"] == f"urn:uuid:{seed_release.guid}"
    assert RFC3339.match(item["date_published"]) and RFC3339.match(item["date_modified"])
    assert item["authors"] == [{"name": "LOS – Landsorganisationen for sociale tilbud"}]
    assert item["image"].startswith("http://testserver/media/")
    [attachment] = item["attachments"]
    assert attachment["mime_type"] == "image/jpeg" and attachment["size_in_bytes"] > 0
    assert "Vi skal simpelthen" in item["content_html"]


def test_guid_stays_when_title_and_slug_change(client, seed_release):
    before = feedparser.parse(client.get(reverse("newsroom:feed", args=["atom"])).content)
    seed_release.title = "Ny titel"
    seed_release.slug = "ny-titel"
    seed_release.save()
    for format_name in ("rss", "atom"):
        feed = feedparser.parse(client.get(reverse("newsroom:feed", args=[format_name])).content)
        assert feed.entries[0].id == before.entries[0].id == f"urn:uuid:{seed_release.guid}"
        assert feed.entries[0].title == "Ny titel"


def test_conditional_get_answers_304_with_an_empty_body(client, seed_release, time_machine):
    from django.utils import timezone

    # A change a second old or more: its date is a validator (none is sent within its second).
    time_machine.move_to(timezone.now() + timezone.timedelta(seconds=2))
    url = reverse("newsroom:feed", args=["rss"])
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    assert "max-age=" in first["Cache-Control"] and "public" in first["Cache-Control"]
    by_etag = client.get(url, headers={"if-none-match": first["ETag"]})
    assert by_etag.status_code == 304 and by_etag.content == b""
    by_date = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert by_date.status_code == 304 and by_date.content == b""
    seed_release.title = "Rettet titel"
    seed_release.save()
    changed = client.get(url, headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200 and "Rettet titel" in changed.content.decode()


def test_cache_lifetime_never_passes_the_next_scheduled_release(client, seed_release):
    import datetime

    from django.utils import timezone

    PressRelease.objects.create(
        title="Snart",
        lead="x",
        body="<p>x</p>",
        status=PressRelease.Status.SCHEDULED,
        publish_at=timezone.now() + datetime.timedelta(seconds=42),
    )
    response = client.get(reverse("newsroom:feed", args=["rss"]))
    max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
    assert 0 <= max_age <= 42


def test_unknown_scope_object_is_404(client, seed_release):
    assert client.get("/feeds/emner/findes-ikke/rss/").status_code == 404


def alternate_links(html):
    return set(re.findall(r'<link rel="alternate" type="([^"]+)"[^>]*href="([^"]+)"', html))


def test_every_page_type_announces_its_feeds(client, seed_release):
    site_feeds = {
        ("application/rss+xml", "/feeds/rss/"),
        ("application/atom+xml", "/feeds/atom/"),
        ("application/feed+json", "/feeds/json/"),
    }
    topic = seed_release.topics.order_by("name").first()
    los = Organisation.objects.get(short_name="LOS")
    mads = Person.objects.get(name="Mads Roke Clausen")
    assert alternate_links(client.get("/").content.decode()) == site_feeds
    assert alternate_links(client.get(reverse("newsroom:feeds")).content.decode()) == site_feeds
    for scope, obj in (("emner", topic), ("organisationer", los), ("personer", mads)):
        links = alternate_links(client.get(obj.get_absolute_url()).content.decode())
        assert links >= site_feeds
        assert ("application/atom+xml", f"/feeds/{scope}/{obj.slug}/atom/") in links
    release_links = alternate_links(client.get(seed_release.get_absolute_url()).content.decode())
    assert ("application/rss+xml", f"/feeds/emner/{topic.slug}/rss/") in release_links


def test_feeds_page_lists_every_feed_with_a_copy_button(client, seed_release):
    html = client.get(reverse("newsroom:feeds")).content.decode()
    assert "http://testserver/feeds/rss/" in html
    assert "http://testserver/feeds/personer/mads-roke-clausen/json/" in html
    assert "http://testserver/feeds/organisationer/los/atom/" in html
    assert 'class="copy-button"' in html
    assert "feedlæser" in html or "feed reader" in html


def test_withdrawing_a_release_changes_last_modified(client, seed_release, publisher, time_machine):
    from django.utils import timezone

    from newsroom import services

    url = reverse("newsroom:feed", args=["rss"])
    time_machine.move_to(timezone.now() + timezone.timedelta(seconds=2))
    first = client.get(url)
    time_machine.move_to(timezone.now() + timezone.timedelta(minutes=5))
    services.release_unpublish(release=seed_release, user=publisher)
    again = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert again.status_code == 200
    assert "Ny direktør" not in again.content.decode()


def test_organisation_feed_includes_its_bylined_releases(client, seed_release):
    from tests.factories import PressReleaseFactory

    PressReleaseFactory(title="Under LOS-navnet", byline=seed_release.byline)
    feed = feedparser.parse(client.get("/feeds/organisationer/los/rss/").content)
    assert "Under LOS-navnet" in [entry.title for entry in feed.entries]
    assert "Under LOS-navnet" in client.get("/organisationer/los/").content.decode()


HOSTILE_TITLE = 'Ny <script>alert("t")</script> direktør <img src=x onerror=alert(2)>'
HOSTILE_LEAD = (
    '<img src=x onerror=alert(1)> & <b onmouseover="alert(3)">fed</b> <script>x()</script>'
)
# An element the hostile text would have made (text that merely *says* "onerror" is harmless).
ACTIVE_MARKUP = re.compile(
    r"<\s*(script|b|svg|iframe)\b|<img[^>]*src=\W?x\b|<[^>]*\son\w+\s*=", re.I
)


def test_item3_hostile_titles_and_leads_reach_no_feed_reader_as_markup(client, db):
    from tests.factories import PressReleaseFactory

    PressReleaseFactory(title=HOSTILE_TITLE, lead=HOSTILE_LEAD)
    for format_name in ("rss", "atom"):
        response = client.get(reverse("newsroom:feed", args=[format_name]))
        feed = feedparser.parse(response.content)
        assert not feed.bozo, feed.get("bozo_exception")
        [entry] = feed.entries
        for field in ("title_detail", "summary_detail"):
            detail = entry[field]
            # What a reader renders as HTML must carry no element; plain text is shown as is.
            if detail.type in ("text/html", "application/xhtml+xml"):
                assert not ACTIVE_MARKUP.search(detail.value), (format_name, field, detail)
                shown = html.unescape(detail.value)
            else:
                shown = detail.value
            expected = HOSTILE_TITLE if field == "title_detail" else HOSTILE_LEAD
            assert shown == expected, (format_name, field, detail)
        # The full text (HTML by design) shows the lead as text, never as an element.
        content = entry.content[0].value
        assert not ACTIVE_MARKUP.search(content), (format_name, content)
    # Atom says plainly that the summary is text.
    root = ET.fromstring(client.get(reverse("newsroom:feed", args=["atom"])).content)
    assert root.find(f"{ATOM}entry/{ATOM}summary").get("type") == "text"
    # JSON Feed: title and summary are plain text by the spec, content_html is markup-free.
    item = json.loads(client.get(reverse("newsroom:feed", args=["json"])).content)["items"][0]
    assert item["title"] == HOSTILE_TITLE
    assert item["summary"] == HOSTILE_LEAD
    assert not ACTIVE_MARKUP.search(item["content_html"]), item["content_html"]


def test_every_feed_is_sent_in_one_piece(client, seed_release):
    """The feed writer leaves about a thousand small pieces behind; a WSGI server sends each
    one with its own system call (cached RSS under gunicorn: 446 req/s in pieces, 1,600 in
    one). Also as the page cache keeps it."""
    for url in feed_urls(seed_release):
        for _ in range(2):  # rendered, then from the page cache
            response = client.get(url)
            assert response.status_code == 200, url
            assert len(list(response)) == 1, url


def test_an_ampersand_in_a_title_reaches_feed_readers_as_one(client, db):
    # Found by hand: escaped twice, readers that show the title as text (feedparser's
    # entry.title) showed "«Æbleskiver» &amp; ‘Øl’".
    from tests.factories import PressReleaseFactory

    title = "«Æbleskiver» & ‘Øl’"
    PressReleaseFactory(title=title, lead="Smag & behag")
    for format_name in ("rss", "atom"):
        feed = feedparser.parse(client.get(reverse("newsroom:feed", args=[format_name])).content)
        [entry] = feed.entries
        assert entry.title == title, format_name
        assert entry.summary == "Smag & behag", format_name


def test_a_correction_note_is_in_every_feed_entry(client, seed_release, publisher):
    """Found by hand: the page, the API and the PDF said "Rettet …", the feeds carried the
    changed text without a word, and RSS has no other sign of a change."""
    from newsroom import services

    services.release_correct(
        release=seed_release, user=publisher, note="Medlemstallet var 439, ikke 438."
    )
    for url in feed_urls(seed_release):
        content = client.get(url).content.decode()
        if url.endswith("/json/"):
            [item] = json.loads(content)["items"]
            content = item["content_html"]
        else:
            [entry] = feedparser.parse(content).entries
            content = entry.content[0].value
        assert "Rettet" in content and "Medlemstallet var 439, ikke 438." in content, url


@pytest.mark.parametrize(
    "title",
    ["Vi siger &lt;3 til frivillige", "&lt;img src=x onerror=alert(1)&gt;", "AT&T &amp; os"],
)
def test_a_title_with_entity_text_reaches_readers_as_typed(client, db, title):
    # Review: with "&" left alone, text that looks like an entity reached readers decoded.
    from tests.factories import PressReleaseFactory

    PressReleaseFactory(title=title, lead=title)
    feed = feedparser.parse(client.get(reverse("newsroom:feed", args=["rss"])).content)
    for detail in (feed.entries[0].title_detail, feed.entries[0].summary_detail):
        shown = html.unescape(detail.value) if detail.type == "text/html" else detail.value
        assert shown == title
        if detail.type == "text/html":
            assert not ACTIVE_MARKUP.search(detail.value)


def test_a_second_change_in_the_same_second_is_never_answered_not_modified(
    client, seed_release, time_machine
):
    """Dates have whole seconds: within the second of a change no Last-Modified is sent, so
    no reader can hold one that a second change in that second would leave looking current."""
    from django.utils import timezone

    url = reverse("newsroom:feed", args=["rss"])
    time_machine.move_to(timezone.now(), tick=False)
    seed_release.title = "Første ændring"
    seed_release.save()
    first = client.get(url)
    assert not first.has_header("Last-Modified") and first["ETag"]
    for page in ["/", seed_release.get_absolute_url()]:
        assert not client.get(page).has_header("Last-Modified")
    seed_release.title = "Anden ændring i samme sekund"
    seed_release.save()
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200 and "Anden ændring i samme sekund" in again.content.decode()


@pytest.mark.parametrize("format_name", ["rss", "atom"])
def test_a_feed_from_its_kept_frame_follows_what_the_frame_prints(
    settings, seed_release, format_name
):
    """The newsroom's own feeds, every entry kept, are written into a frame kept in the process
    (newsroom.feeds.framed_feed): a new site name or hub is in the next response, as it is
    when the feed is written whole."""
    from django.test import Client

    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.startswith("newsroom.cache.")]
    url = reverse("newsroom:feed", args=[format_name])
    written, framed = Client().get(url).content, Client().get(url).content
    assert framed == written  # the first wrote its entries, the second used the frame
    settings.SITE_NAME = "Ny presseside"
    settings.WEBSUB_HUB_URL = "https://hub.example.org/"
    feed = feedparser.parse(Client().get(url).content)
    assert feed.feed.title.startswith("Ny presseside")
    assert "https://hub.example.org/" in [link.href for link in feed.feed.links]
    assert [entry.title for entry in feed.entries] == [seed_release.title]
