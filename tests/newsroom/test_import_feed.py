"""manage.py import_feed: another newsroom's feed in, this newsroom's own feeds round trip."""

import datetime
import io
import json
import zoneinfo
from pathlib import Path

import feedparser
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from common.richtext import sanitize_html
from media.models import Image
from newsroom.importer import FeedImporter, read_feed
from newsroom.models import PressRelease, ReleaseContact, ReleaseSource, Topic
from tests.factories import (
    ImageFactory,
    MediaContactFactory,
    PressReleaseFactory,
    TopicFactory,
    jpeg_bytes,
)

pytestmark = pytest.mark.django_db

COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
TOPIC_NAMES = ["Børn og unge", "Økonomi", "Ledelse", "Sundhed & trivsel"]
TITLES = [
    "Pressemeddelelse {n}: Ærø & Åbenrå",
    "Tal <b>{n}</b> \"citat\" og 'enkelt'",
    "Kort titel {n}",
]
LEADS = ["Indledning {n} med æ, ø & å.", "Et <i>lead</i> {n} > 3 < 5."]


def bodies(body_photo: Image) -> list[str]:
    rendition = body_photo.rendition(960).file.url
    return [
        "<p>Brødtekst {n}.</p>",
        '<p>Se <a href="/emner/oekonomi/">økonomi</a> og <a href="https://example.org/x?a=1&amp;'
        'b=2">kilden</a>.</p><h2>Mellemrubrik</h2><ul><li>Et</li><li>To {n}</li></ul>',
        '<figure class="table"><table><thead><tr><th>År</th><th>Tal</th></tr></thead>'
        "<tbody><tr><td>2020</td><td>{n}</td></tr></tbody></table></figure>",
        # Bold opening of its own: only the feed's lead paragraph goes.
        "<p><strong>Fed start {n}</strong></p><p>Mere.</p>",
        f'<figure><img src="{rendition}" alt="Et billede i teksten"><figcaption>Billede i '
        'teksten</figcaption></figure><p>Tekst {n} med <img src="' + rendition + '" alt="-"> '
        "pynt.</p>",
        # A heading of that name without phone or e-mail is the release's own text.
        "<p>Spørgsmål {n}?</p><h2>For yderligere oplysninger</h2><p>Ring til os.</p>",
    ]


def make_newsroom(count=50) -> None:
    """The seed release (made by the fixture) and `count` generated ones around it."""
    topics = [Topic.objects.get_or_create(name=name)[0] for name in TOPIC_NAMES]
    contact = MediaContactFactory(name="Kirsten Kontakt", phone="+45 11 22 33 44")
    body_photo = ImageFactory(credit="Indlejret Fotograf")
    texts = bodies(body_photo)
    start = datetime.datetime(2015, 1, 5, 8, 30, tzinfo=COPENHAGEN)
    for n in range(count):
        photos = []
        if n % 5 == 0:
            photos = [
                ImageFactory(
                    credit=f"Søren Ærbødig {n}",
                    caption=f"Billedtekst {n}, Foto: ikke kreditten" if n % 2 else "",
                    alt_text=f"Mads' billede nr. {n}",
                )
            ]
        release = PressReleaseFactory(
            title=TITLES[n % len(TITLES)].format(n=n),
            lead=LEADS[n % len(LEADS)].format(n=n),
            body=texts[n % len(texts)].format(n=n),
            publish_at=start + datetime.timedelta(days=37 * n, minutes=n),
            photos=photos,
        )
        release.topics.set(topics[: n % (len(topics) + 1)])
        if n % 3 == 0:
            ReleaseContact.objects.create(release=release, contact=contact)


def snapshot() -> dict:
    """What the round trip must keep, by GUID."""
    result = {}
    for release in PressRelease.objects.prefetch_related("topics", "image_links__image"):
        photo = release.lead_image
        result[release.guid] = {
            "title": release.title,
            "lead": release.lead,
            "body": sanitize_html(release.body),
            "publish_at": release.publish_at,
            "topics": {topic.name for topic in release.topics.all()},
            "photo": (photo.credit, photo.caption, photo.alt_text) if photo else None,
        }
    return result


def empty_the_newsroom():
    PressRelease.objects.all().delete()
    Topic.objects.all().delete()
    Image.objects.all().delete()  # rows only: the files stay, as on the old site


def import_feed(*args) -> str:
    """The command's report (in English: the tests read it)."""
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("import_feed", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue()


@pytest.mark.parametrize("format_name", ["rss", "atom", "json"])
def test_round_trip_through_our_own_feed(client, seed_release, monkeypatch, tmp_path, format_name):
    monkeypatch.setattr("newsroom.feeds.FEED_LENGTH", 100)  # the feed shows the newest 20
    make_newsroom(50)
    expected = snapshot()
    assert len(expected) == 51
    feed = client.get(f"/feeds/{format_name}/").content
    path = tmp_path / f"export.{format_name}"
    path.write_bytes(feed)
    empty_the_newsroom()

    output = import_feed(path)

    assert "51 imported" in output and "No problems." in output, output
    imported = snapshot()
    differences = {
        guid: {
            key: (imported[guid][key], value)
            for key, value in fields.items()
            if imported[guid][key] != value
        }
        for guid, fields in expected.items()
        if imported.get(guid) != fields
    }
    assert not differences
    # The GUIDs are kept, so our feed names every entry as the old one did.
    assert _ids(client.get(f"/feeds/{format_name}/").content, format_name) == _ids(
        feed, format_name
    )
    seed = PressRelease.objects.get(title="Ny direktør med fokus på samskabelse")
    assert seed.status == PressRelease.Status.PUBLISHED and seed.is_published
    assert seed.lead_image.caption == "Mads Roke Clausen er ny direktør i LOS fra 3. maj 2021."
    assert seed.lead_image.master and seed.lead_image.renditions.exists()
    assert Topic.objects.get(name="Børn og unge").slug == "boern-og-unge"

    versions = dict(PressRelease.objects.values_list("pk", "version"))
    again = import_feed(path)
    assert "0 imported, 0 updated, 51 unchanged, 0 skipped" in again
    assert dict(PressRelease.objects.values_list("pk", "version")) == versions
    assert Image.objects.filter(release_links__isnull=False).count() == 11


def _ids(feed: bytes, format_name: str) -> list[str]:
    if format_name == "json":
        return [item["id"] for item in json.loads(feed)["items"]]
    return [entry.id for entry in feedparser.parse(feed).entries]


# A feed from elsewhere ----------------------------------------------------------------------


def rss(items: str, *, link="https://old.example/") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Gammelt pressrum</title><link>{link}</link>{items}</channel></rss>"
    ).encode()


def item(n, *, date="Mon, 03 May 2021 09:00:00 +0200", extra="", body=None):
    body = body if body is not None else f"<p>Brødtekst {n}.</p>"
    date_element = f"<pubDate>{date}</pubDate>" if date else ""
    return (
        f"<item><title>Nyhed {n}</title><link>https://old.example/pressreleases/nyhed-{n}-{n}00"
        f"</link><guid>https://old.example/?p={n}</guid>{date_element}"
        f"<description>Indledning {n}.</description>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded>{extra}</item>"
    )


def write(tmp_path, data: bytes, name="feed.xml"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_an_entry_becomes_a_published_release_with_its_own_time(tmp_path, client):
    photo = write(tmp_path, jpeg_bytes((120, 80)), "foto.jpg")
    extra = (
        f'<media:content url="{photo.as_uri()}" type="image/jpeg" medium="image">'
        '<media:credit role="photographer">Ole Fotograf</media:credit>'
        "<media:description>En mand med hat</media:description></media:content>"
        "<category>Børn og unge</category><category>økonomi</category>"
        "<dc:creator>Skribent</dc:creator>"
    )
    TopicFactory(name="Økonomi")
    output = import_feed(write(tmp_path, rss(item(1, extra=extra))))

    assert "1 imported" in output
    release = PressRelease.objects.get()
    assert release.title == "Nyhed 1"
    # The Media RSS description is the photo's, not the entry's summary.
    assert release.lead == "Indledning 1."
    assert release.body == "<p>Brødtekst 1.</p>"
    assert release.publish_at == datetime.datetime(2021, 5, 3, 7, 0, tzinfo=datetime.UTC)
    assert release.status == PressRelease.Status.PUBLISHED and release.was_public
    assert release.record == {"as_of": "2021-05-03", "about": [], "contacts": []}
    assert release.alerts_queued_at is not None  # old news: no alerts
    assert sorted(t.name for t in release.topics.all()) == ["Børn og unge", "Økonomi"]
    assert Topic.objects.count() == 2
    assert release.source.original_url == "https://old.example/pressreleases/nyhed-1-100"
    # One history entry, the creation, with its topics (a restore keeps them).
    [created] = release.history.all()
    assert created.history_type == "+" and created.history_change_reason.startswith("Imported")
    assert sorted(row.topic.name for row in created.topics.all()) == ["Børn og unge", "Økonomi"]
    image = release.lead_image
    assert image.credit == "Ole Fotograf" and image.master and image.width == 120
    assert client.get(release.get_absolute_url()).status_code == 200
    # Our feed names it by the old feed's id.
    [entry] = feedparser.parse(client.get("/feeds/rss/").content).entries
    assert entry.id == "https://old.example/?p=1"


def test_a_changed_entry_updates_its_release_and_nothing_else_moves(tmp_path):
    path = write(tmp_path, rss(item(1) + item(2)))
    import_feed(path)
    first = {r.title: (r.pk, r.version) for r in PressRelease.objects.all()}
    write(tmp_path, rss(item(1, body="<p>Rettet brødtekst.</p>") + item(2)))

    output = import_feed(path)

    assert "0 imported, 1 updated, 1 unchanged" in output
    one, two = PressRelease.objects.get(title="Nyhed 1"), PressRelease.objects.get(title="Nyhed 2")
    assert one.body == "<p>Rettet brødtekst.</p>" and one.pk == first["Nyhed 1"][0]
    assert one.version == first["Nyhed 1"][1] + 1
    assert (two.pk, two.version) == first["Nyhed 2"]
    assert [h.history_type for h in one.history.all()] == ["~", "+"]
    assert PressRelease.objects.count() == 2


def test_as_draft_keeps_the_time_and_shows_nothing(tmp_path, client):
    import_feed(write(tmp_path, rss(item(1))), "--as-draft")
    release = PressRelease.objects.get()
    assert release.status == PressRelease.Status.DRAFT and release.record is None
    assert release.publish_at.year == 2021
    assert client.get(release.get_absolute_url()).status_code == 404


def test_a_future_entry_is_scheduled(tmp_path):
    later = timezone.now() + datetime.timedelta(days=3)
    import_feed(write(tmp_path, rss(item(1, date=later.strftime("%a, %d %b %Y %H:%M:%S +0000")))))
    release = PressRelease.objects.get()
    assert release.status == PressRelease.Status.SCHEDULED and not release.is_published


def test_old_addresses_answer_301_to_the_release(tmp_path, client):
    import_feed(write(tmp_path, rss(item(1))), "--redirects")
    release = PressRelease.objects.get()
    response = client.get("/pressreleases/nyhed-1-100")
    assert response.status_code == 301
    assert response["Location"] == release.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200
    assert client.get("/pressreleases/something-else").status_code == 404
    # Not for a release the public may not see.
    import_feed(write(tmp_path, rss(item(2)), "drafts.xml"), "--redirects", "--as-draft")
    assert client.get("/pressreleases/nyhed-2-200").status_code == 404


def test_an_old_address_with_danish_letters_redirects_as_gunicorn_serves_it(tmp_path, client):
    """Review: the WSGI front read the address with Django's request, which rewrote it for
    Django: "ø" then reached Django as "%F8" (404) and "–" as a 500."""
    from urllib.parse import quote

    from tests.wsgi_client import WsgiClient

    old = "/pressreleases/børn-–-unge"
    feed = rss(item(1).replace("/pressreleases/nyhed-1-100", old))
    import_feed(write(tmp_path, feed), "--redirects")
    release = PressRelease.objects.get()
    visitor = WsgiClient()
    for asker in (client, visitor, visitor):
        response = asker.get(quote(old))
        assert response.status_code == 301, asker
        assert response["Location"] == release.get_absolute_url()
    assert visitor.get(quote("/pressreleases/€-ukendt")).status_code == 404


def test_without_redirects_an_old_address_stays_404(tmp_path, client):
    import_feed(write(tmp_path, rss(item(1))))
    assert client.get("/pressreleases/nyhed-1-100").status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Hello, this is a text file.", "neither XML nor JSON"),
        (b"%PDF-1.4 binary", "neither XML nor JSON"),
        (b"<html><body><p>A page</body></html>", r"not well-formed XML \(line 1"),
        (b"<html><body><p>A page</p></body></html>", "XML but not an RSS or Atom feed"),
        (b'{"items": [', "not valid JSON"),
        (b'{"name": "not a feed"}', "JSON but not a JSON Feed"),
    ],
)
def test_a_file_that_is_no_feed_is_refused_with_a_clear_message(tmp_path, data, message):
    with pytest.raises(CommandError, match=message):
        import_feed(write(tmp_path, data))
    assert not PressRelease.objects.exists()


def test_a_truncated_feed_imports_nothing(tmp_path):
    data = rss(item(1) + item(2) + item(3))
    with pytest.raises(CommandError, match="not well-formed XML"):
        import_feed(write(tmp_path, data[: len(data) // 2 + 40]))
    assert not PressRelease.objects.exists()


def test_a_missing_file_is_a_clear_message(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        import_feed(tmp_path / "nope.xml")


def test_an_entry_without_a_date_is_skipped_by_name(tmp_path):
    output = import_feed(write(tmp_path, rss(item(1) + item(2, date="") + item(3))))
    assert "2 imported, 0 updated, 0 unchanged, 1 skipped" in output
    assert "Nyhed 2: " in output and "date" in output
    assert sorted(PressRelease.objects.values_list("title", flat=True)) == ["Nyhed 1", "Nyhed 3"]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("broken.jpg", jpeg_bytes((200, 150))[:-200], "damaged"),
        ("polyglot.jpg", jpeg_bytes() + b"<script>alert(1)</script>", "extra data"),
        ("vector.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "SVG"),
        ("notes.jpg", b"just text", "not an image"),
    ],
)
def test_an_image_that_fails_the_checks_is_left_out_and_reported(tmp_path, name, data, reason):
    image = write(tmp_path, data, name)
    extra = (
        f'<enclosure url="{image.as_uri()}" type="image/jpeg" length="{len(data)}"/>'
        "<media:credit>Ole Fotograf</media:credit>"
    )
    output = import_feed(write(tmp_path, rss(item(1, extra=extra))))
    assert "1 imported" in output and "Imported with problems:" in output
    assert f"Image {image.as_uri()} left out" in output and reason in output, output
    release = PressRelease.objects.get()
    assert not release.images.exists() and not Image.objects.exists()


def test_a_photo_without_any_credit_is_left_out(tmp_path):
    image = write(tmp_path, jpeg_bytes(), "foto.jpg")
    extra = f'<enclosure url="{image.as_uri()}" type="image/jpeg" length="1"/>'
    body = "<p>Tekst.</p>"
    data = rss(item(1, extra=extra, body=body)).replace(b"<link>https://old.example/", b"<link>")
    output = import_feed(write(tmp_path, data))
    assert "no photographer credit" in output
    assert PressRelease.objects.get().images.count() == 0


def test_an_entry_that_fails_leaves_nothing_of_itself(
    tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    image = write(tmp_path, jpeg_bytes(), "foto.jpg")
    extra = (
        f'<enclosure url="{image.as_uri()}" type="image/jpeg" length="1"/>'
        "<media:credit>Ole</media:credit><category>Giftig</category>"
    )
    original = FeedImporter._topic

    def refuse(self, name):
        if name == "Giftig":
            raise RuntimeError("the database said no")
        return original(self, name)

    monkeypatch.setattr(FeedImporter, "_topic", refuse)
    files_before = stored_files()
    with django_capture_on_commit_callbacks(execute=True):  # as outside a test's transaction
        output = import_feed(write(tmp_path, rss(item(1) + item(2, extra=extra) + item(3))))

    assert "2 imported, 0 updated, 0 unchanged, 1 skipped" in output
    assert "Nyhed 2: " in output and "the database said no" in output
    assert sorted(PressRelease.objects.values_list("title", flat=True)) == ["Nyhed 1", "Nyhed 3"]
    assert not Image.objects.exists() and not ReleaseSource.objects.filter(guid__endswith="=2")
    assert stored_files() == files_before  # no master, no rendition left behind


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()}


def test_dry_run_writes_nothing(tmp_path):
    output = import_feed(write(tmp_path, rss(item(1) + item(2, date=""))), "--dry-run")
    assert "1 to import" in output and "1 to skip (dry run: nothing was written)" in output
    assert not PressRelease.objects.exists() and not Topic.objects.exists()


def test_a_feed_read_from_the_network_may_not_name_local_files(tmp_path):
    image = write(tmp_path, jpeg_bytes(), "foto.jpg")
    extra = f'<enclosure url="{image.as_uri()}" type="image/jpeg" length="1"/>'
    entries = read_feed(rss(item(1, extra=extra + "<media:credit>Ole</media:credit>")))
    with translation.override("en"):
        report = FeedImporter(files_allowed=False).run(entries)
    assert report.imported == ["Nyhed 1"]
    assert "only http and https addresses are followed" in report.problems[0][1]
    assert not Image.objects.exists()


def test_a_wordpress_excerpt_gives_way_to_the_first_paragraph(tmp_path):
    body = "<p>Indledning 1. Og resten af afsnittet.</p><p>Mere tekst.</p>"
    data = rss(item(1, body=body).replace("Indledning 1.", "Indledning 1 [&#8230;]", 1))
    import_feed(write(tmp_path, data))
    release = PressRelease.objects.get()
    assert release.lead == "Indledning 1. Og resten af afsnittet."
    assert release.body == "<p>Mere tekst.</p>"


def test_relative_links_resolve_against_the_old_site(tmp_path):
    body = '<p><a href="/om-os/">Om os</a> og <img src="/billede.jpg" alt="x"></p>'
    import_feed(write(tmp_path, rss(item(1, body=body))))
    assert PressRelease.objects.get().body == (
        '<p><a href="https://old.example/om-os/" rel="noopener noreferrer">Om os</a> og </p>'
    )


def test_json_feed_from_elsewhere(tmp_path):
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Old",
        "home_page_url": "https://old.example/",
        "items": [
            {
                "id": "42",
                "url": "/nyheder/42",
                "title": "Svar på alt",
                "summary": "Kort.",
                "content_text": "Første afsnit.\n\nAndet afsnit & mere.",
                "date_published": "2020-02-29T12:00:00+01:00",
                "tags": ["Økonomi"],
                "language": "en",
            }
        ],
    }
    import_feed(write(tmp_path, json.dumps(feed).encode(), "feed.json"))
    release = PressRelease.objects.get()
    assert (release.title, release.lead, release.language) == ("Svar på alt", "Kort.", "en")
    assert release.body == "<p>Første afsnit.</p><p>Andet afsnit &amp; mere.</p>"
    assert release.source.original_url == "https://old.example/nyheder/42"
    assert release.source.guid == "42"


def test_atom_summary_only(tmp_path):
    atom = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Old</title><id>urn:old</id><updated>2020-01-01T00:00:00Z</updated>"
        "<entry><title>Kun resumé</title><id>tag:old.example,2020:1</id>"
        '<link href="https://old.example/1"/><updated>2020-01-01T10:00:00Z</updated>'
        '<summary type="text">Bare en indledning &amp; intet mere.</summary></entry></feed>'
    ).encode()
    import_feed(write(tmp_path, atom))
    release = PressRelease.objects.get()
    assert release.lead == "Bare en indledning & intet mere." and release.body == ""
    assert release.publish_at == datetime.datetime(2020, 1, 1, 10, tzinfo=datetime.UTC)


def test_progress_goes_to_stderr(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_feed", str(write(tmp_path, rss(item(1)))), stdout=out, stderr=err)
    assert "] 1/1" in err.getvalue()
    assert "1/1" not in out.getvalue()


def test_the_report_is_in_danish_on_a_danish_site(tmp_path):
    out = io.StringIO()
    with translation.override("da"):
        call_command(
            "import_feed", str(write(tmp_path, rss(item(1, date="")))), stdout=out, stderr=out
        )
    assert "1 poster: 0 importeret" in out.getvalue()
    assert "Nyhed 1: den har ingen udgivelsesdato" in out.getvalue()


def test_the_old_ids_cost_our_feeds_no_query_per_entry(tmp_path, client):
    PressReleaseFactory()
    import_feed(write(tmp_path, rss(item(1))))
    with CaptureQueriesContext(connection) as few:
        client.get("/feeds/rss/")
    import_feed(write(tmp_path, rss(item(2) + item(3) + item(4)), "more.xml"))
    PressReleaseFactory.create_batch(3)
    with CaptureQueriesContext(connection) as more:
        ids = _ids(client.get("/feeds/rss/").content, "rss")
    assert len(more.captured_queries) == len(few.captured_queries)
    assert {f"https://old.example/?p={n}" for n in (1, 2, 3, 4)} < set(ids)


def test_an_old_address_cached_as_404_redirects_once_imported(tmp_path, client):
    assert client.get("/pressreleases/nyhed-1-100").status_code == 404  # now in the page cache
    import_feed(write(tmp_path, rss(item(1))), "--redirects")
    assert client.get("/pressreleases/nyhed-1-100").status_code == 301


def test_our_own_feed_imported_into_the_same_newsroom_changes_nothing(
    tmp_path, client, seed_release
):
    path = write(tmp_path, client.get("/feeds/atom/").content, "own.xml")
    output = import_feed(path)
    assert "0 imported" in output and "1 skipped" in output
    assert "a release with its id is already in this newsroom" in output
    assert PressRelease.objects.count() == 1 and not ReleaseSource.objects.exists()


def test_the_release_form_says_where_an_imported_release_came_from(tmp_path, staff_client):
    import_feed(write(tmp_path, rss(item(1))))
    release = PressRelease.objects.get()
    html = staff_client.get(
        reverse("admin:newsroom_pressrelease_change", args=[release.pk])
    ).content.decode()
    assert "Importeret fra" in html
    assert 'href="https://old.example/pressreleases/nyhed-1-100"' in html
    assert "https://old.example/?p=1" in html


def test_a_correction_note_in_our_feed_stays_with_the_imported_text(
    client, seed_release, publisher, tmp_path
):
    from newsroom import services

    services.release_correct(release=seed_release, user=publisher, note="Tallet er rettet.")
    lead = seed_release.lead
    path = write(tmp_path, client.get("/feeds/rss/").content)
    empty_the_newsroom()
    import_feed(path)
    imported = PressRelease.objects.get(title=seed_release.title)
    assert imported.lead == lead
    assert imported.body.startswith("<p><strong>Rettet ")
    assert "Tallet er rettet." in imported.body
