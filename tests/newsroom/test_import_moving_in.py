"""Moving in from a WordPress site or Mynewsdesk (issue 19): their feeds as they write them
(tests/newsroom/feeds/), and the corners of RSS and Atom they use."""

import datetime
import io
import zoneinfo
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from media.models import MediaContact
from newsroom import importer, services
from newsroom.models import PressRelease, Topic
from tests.factories import MediaContactFactory, jpeg_bytes

pytestmark = pytest.mark.django_db

FEEDS = Path(__file__).parent / "feeds"
COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")


@pytest.fixture
def web(monkeypatch):
    """The old sites' photos, served without the network: {URL: bytes}; asked lists them."""
    photos = {}
    asked = []

    def fetch_url(url, *, limit, allow_private=False):
        asked.append(url)
        if url not in photos:
            raise OSError("404")
        return photos[url]

    monkeypatch.setattr(importer, "fetch_url", fetch_url)
    web = type("Web", (), {"photos": photos, "asked": asked})
    return web


def import_feed(*args) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_feed", *[str(a) for a in args], stdout=out, stderr=io.StringIO())
    return out.getvalue()


def write(tmp_path, data: bytes | str, name="feed.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


WP = "https://kommune.example/wp-content/uploads/2021"


# WordPress ----------------------------------------------------------------------------------


def test_wordpress_figures_contacts_and_what_is_left_out(web):
    web.photos[f"{WP}/05/skole-1024x683.jpg"] = jpeg_bytes((100, 60))
    web.photos[f"{WP}/04/hallen.jpg"] = jpeg_bytes((80, 60))
    mayor = MediaContactFactory(name="Jens H.", title="borgmester", phone="87654321", email="")

    output = import_feed(FEEDS / "wordpress.xml", "--skip-category", "Pressemeddelelser")

    assert "2 imported" in output, output
    school = PressRelease.objects.get(title="Ny skole i Nordby")
    # 1. The WordPress figure is the lead photo: credit from "Foto:", alt and caption kept.
    photo = school.lead_image
    assert (photo.credit, photo.alt_text, photo.caption) == (
        "Arkitema",
        "Tegning af den nye skole",
        "Sådan skal skolen se ud.",
    )
    # 3. The excerpt gives way to the first paragraph, found after the figure.
    assert (
        school.lead == "Byrådet har vedtaget at bygge en ny skole i Nordby. Den står klar i 2024."
    )
    # No caption-only leftovers, no video wrapper, no contact block in the text.
    assert school.body == (
        '<p>Skolen får plads til 600 elever. Læs <a href="https://kommune.example/skoler/" '
        'rel="noopener noreferrer">mere om skolerne</a>.</p>'
    )
    # 2. The contact block is the release's media contact, a new one, not listed.
    [contact] = school.contacts.all()
    assert (contact.name, contact.title, contact.phone, contact.email) == (
        "Mette Jensen",
        "kommunikationschef",
        "12 34 56 78",
        "mette.jensen@kommune.example",
    )
    assert not contact.is_listed
    assert school.record["contacts"][0]["name"] == "Mette Jensen"  # as publishing freezes it
    # 11. Categories left out by --skip-category, whatever the case.
    assert [t.name for t in school.topics.all()] == ["Børn og unge"]
    assert not Topic.objects.filter(name__iexact="pressemeddelelser").exists()
    # 11. The report names what was left out, and the contact used.
    assert "https://www.youtube.com/embed/abc123?feature=oembed" in output
    assert f"{WP}/05/skolegaard-1024x683.jpg" in output
    assert "Mette Jensen" in output and "created" in output

    hall = PressRelease.objects.get(title="Idrætshallen genåbner")
    # 3. The summary's paragraph goes though the photo stands after it.
    assert hall.lead == "Efter to års renovering genåbner idrætshallen 1. maj."
    assert hall.body == "<p>Der er nyt gulv og nye omklædningsrum.</p>"
    assert (hall.lead_image.caption, hall.lead_image.alt_text) == (
        "Hallen er klar.",
        "Den renoverede hal",
    )
    # 1. The post's author as the photo's credit only with the report saying so.
    assert hall.lead_image.credit == "Lise Webredaktør"
    assert "Lise Webredaktør" in output and "dc:creator" in output
    # 2. "Kontakt:" then name, title and phone: the existing contact with that phone number.
    assert list(hall.contacts.all()) == [mayor]
    assert MediaContact.objects.count() == 2
    assert "Jens H." in output
    assert [t.name for t in hall.topics.all()] == ["Kultur og fritid"]

    assert "0 imported, 0 updated, 2 unchanged" in import_feed(
        FEEDS / "wordpress.xml", "--skip-category", "pressemeddelelser"
    )
    assert MediaContact.objects.count() == 2


def test_mynewsdesk_description_only_entries_keep_their_links(web):
    web.photos[
        "https://mnd-assets.mynewsdesk.com/image/upload/t_next_gen_article_large_480/lager.jpg"
    ] = jpeg_bytes()
    output = import_feed(FEEDS / "mynewsdesk.xml", "--skip-category", "Pressemeddelelser")

    assert "2 imported" in output, output
    danish = PressRelease.objects.get(title="Firma A/S åbner nyt lager i Kolding")
    # 5. Lead as plain text, the body with its links.
    assert danish.lead == "Firma A/S åbner et nyt lager i Kolding og ansætter 40 medarbejdere."
    assert 'href="https://www.firma.example/kolding"' in danish.body
    assert 'href="https://www.firma.example/job"' in danish.body
    assert "Pressekontakt" not in danish.body and "anna.berg" not in danish.body
    assert danish.lead_image.credit == "Per Foto"
    # 11. The second photo is named as left out.
    assert "https://mnd-assets.mynewsdesk.com/image/upload/lager-indefra.jpg" in output
    [anna] = danish.contacts.all()
    assert (anna.name, anna.title, anna.email, anna.phone) == (
        "Anna Berg",
        "Pressechef",
        "anna.berg@firma.example",
        "+45 20 30 40 50",
    )
    english = PressRelease.objects.get(title="Firma A/S opens a warehouse in Kolding")
    assert english.lead == "Firma A/S opens a warehouse in Kolding."
    assert "Media contact" not in english.body
    assert list(english.contacts.all()) == [anna]  # matched by e-mail
    assert MediaContact.objects.count() == 1


@pytest.mark.parametrize(
    "block",
    [
        "<p><strong>For yderligere oplysninger:</strong></p><p>Mette Jensen<br>"
        "Kommunikationschef<br>Telefon 12 34 56 78</p>",
        "<h3>For further information</h3><p>Mette Jensen, Head of Communications. Phone "
        '<a href="tel:+4512345678">+45 12 34 56 78</a> / '
        '<a href="mailto:mette@k.example">mette@k.example</a></p>',
        "<p>Pressekontakt: Mette Jensen, kommunikationschef, tlf. 12 34 56 78, mette@k.example</p>",
    ],
)
def test_the_common_contact_blocks(tmp_path, block):
    output = import_feed(write(tmp_path, rss(body=f"<p>Tekst.</p>{block}")))
    release = PressRelease.objects.get()
    assert release.body == "<p>Tekst.</p>"
    [contact] = release.contacts.all()
    assert contact.name == "Mette Jensen" and "12 34 56 78" in contact.phone, output
    assert "Mette Jensen" in output


def test_a_contact_heading_without_phone_or_email_stays_text(tmp_path):
    body = "<p>Tekst.</p><p><strong>Kontakt:</strong><br>Ring til rådhuset.</p>"
    import_feed(write(tmp_path, rss(body=body)))
    release = PressRelease.objects.get()
    assert "Ring til rådhuset." in release.body and not release.contacts.exists()


def test_a_dry_run_names_the_contact_and_makes_none(tmp_path):
    body = "<p>Tekst.</p><p><strong>Kontakt:</strong><br>Mette Jensen<br>mette@k.example</p>"
    output = import_feed(write(tmp_path, rss(body=body)), "--dry-run")
    assert "Mette Jensen" in output and not MediaContact.objects.exists()


# Corners of RSS and Atom ----------------------------------------------------------------------


def rss(
    *,
    body="<p>Tekst.</p>",
    date="<pubDate>Mon, 03 May 2021 09:00:00 +0200</pubDate>",
    extra="",
    title="Nyhed",
    description="Kort.",
) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>Old</title><link>https://old.example/</link>"
        f"<item><title>{title}</title><link>https://old.example/nyhed</link>"
        f"<guid>https://old.example/?p=1</guid>{date}<description>{description}</description>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded>{extra}</item></channel></rss>"
    )


def atom(entry: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:media="http://search.yahoo.com/mrss/">'
        "<title>Old</title><id>urn:old</id><updated>2020-01-01T00:00:00Z</updated>"
        f"<entry><title>Atom</title><id>tag:old.example,2020:1</id>"
        f'<link href="https://old.example/1"/>{entry}</entry></feed>'
    )


@pytest.mark.parametrize("with_media", [False, True])
def test_atom_xhtml_summary_and_content(tmp_path, with_media):
    media = '<media:thumbnail url="https://old.example/t.jpg"/>' if with_media else ""
    entry = (
        "<published>2020-01-01T10:00:00Z</published><updated>2020-01-01T10:00:00Z</updated>"
        '<summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Et <b>kort</b> '
        "resumé.</div></summary>"
        '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Et kort resumé.</p>'
        '<p>Brødtekst med <a href="https://old.example/x">et link</a>.</p></div></content>'
        f"{media}"
    )
    output = import_feed(write(tmp_path, atom(entry)))
    release = PressRelease.objects.get()
    assert release.lead == "Et kort resumé.", output
    assert release.body == (
        '<p>Brødtekst med <a href="https://old.example/x" rel="noopener noreferrer">'
        "et link</a>.</p>"
    )


@pytest.mark.parametrize("summary", ["<p>Kun et <em>resumé</em>.</p>", "Kun et <em>resumé</em>."])
def test_atom_xhtml_summary_alone_is_the_lead(tmp_path, summary):
    entry = (
        "<updated>2020-01-01T10:00:00Z</updated>"
        f'<summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">{summary}</div>'
        "</summary>"
    )
    import_feed(write(tmp_path, atom(entry)))
    assert PressRelease.objects.get().lead == "Kun et resumé."


def test_a_description_without_paragraphs_keeps_its_link(tmp_path):
    data = rss(description='Se &lt;a href="https://old.example/x"&gt;kilden&lt;/a&gt; nu.')
    data = data.replace("<content:encoded><![CDATA[<p>Tekst.</p>]]></content:encoded>", "")
    import_feed(write(tmp_path, data))
    release = PressRelease.objects.get()
    assert release.lead == "Se kilden nu."
    assert 'href="https://old.example/x"' in release.body


def test_an_atom_enclosure_link_with_a_file_address(tmp_path):
    photo = write(tmp_path, jpeg_bytes((70, 50)), "foto.jpg")
    entry = (
        "<updated>2020-01-01T10:00:00Z</updated><summary>Kort.</summary>"
        f'<link rel="enclosure" type="image/jpeg" href="{photo.as_uri()}"/>'
        "<author><name>Ole Fotograf</name></author>"
    )
    output = import_feed(write(tmp_path, atom(entry)))
    assert PressRelease.objects.get().lead_image.width == 70, output


@pytest.mark.parametrize(
    "date",
    [
        "<dc:date>2005-07-04</dc:date>",
        "<pubDate>Mon, 04 Jul 2005</pubDate>",
    ],
)
def test_a_date_without_a_time_is_that_day_in_copenhagen(tmp_path, date):
    import_feed(write(tmp_path, rss(date=date)))
    assert PressRelease.objects.get().publish_at == datetime.datetime(2005, 7, 4, tzinfo=COPENHAGEN)


def test_the_entry_updated_time_is_kept_never_the_import_time(tmp_path):
    entry = (
        "<published>2020-01-01T10:00:00Z</published><updated>2020-02-01T12:00:00Z</updated>"
        "<summary>Kort.</summary>"
    )
    import_feed(write(tmp_path, atom(entry)))
    release = PressRelease.objects.get()
    assert release.updated_at == datetime.datetime(2020, 2, 1, 12, tzinfo=datetime.UTC)
    PressRelease.objects.all().delete()
    import_feed(write(tmp_path, rss(), "plain.xml"))
    release = PressRelease.objects.get()
    assert release.updated_at == release.publish_at


def test_a_change_made_here_is_never_overwritten_without_saying_so(tmp_path, publisher):
    path = write(tmp_path, rss(body="<p>Tekst.</p>"))
    import_feed(path)
    release = PressRelease.objects.get()
    release.title = "Rettet her"
    release.save()
    write(tmp_path, rss(body="<p>Ny tekst fra det gamle sted.</p>"))

    for args in ([], ["--dry-run"]):
        output = import_feed(path, *args)
        assert "0 updated" in output or "0 to update" in output
        assert "Changed here since the import" in output and "--overwrite" in output
        assert "Nyhed" in output and "No problems." not in output
        release.refresh_from_db()
        assert release.title == "Rettet her" and release.body == "<p>Tekst.</p>"

    output = import_feed(path, "--overwrite")
    assert "1 updated" in output
    release.refresh_from_db()
    assert release.title == "Nyhed" and release.body == "<p>Ny tekst fra det gamle sted.</p>"
    # A correction here is a change too.
    services.release_correct(release=release, user=publisher, note="Rettet.")
    write(tmp_path, rss(body="<p>Tredje udgave.</p>"))
    assert "Changed here since the import" in import_feed(path)


def test_an_unchanged_release_is_updated_from_a_changed_entry(tmp_path):
    path = write(tmp_path, rss(body="<p>Tekst.</p>"))
    import_feed(path)
    write(tmp_path, rss(body="<p>Ny tekst.</p>"))
    assert "1 updated" in import_feed(path)


@pytest.mark.parametrize(
    ("bom", "encoding", "declared"),
    [
        ("\ufeff", "utf-16-le", "utf-8"),
        ("\ufeff", "utf-16-be", "iso-8859-1"),
        ("\ufeff", "utf-8", "iso-8859-1"),
    ],
)
def test_a_byte_order_mark_wins_over_the_declaration(tmp_path, bom, encoding, declared):
    text = rss(title="Æblegrød på Ærø").replace('encoding="utf-8"', f'encoding="{declared}"')
    output = import_feed(write(tmp_path, (bom + text).encode(encoding)))
    assert "1 imported" in output, output
    assert PressRelease.objects.get().title == "Æblegrød på Ærø"


def test_a_feed_without_entries_says_so(tmp_path):
    data = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Old</title>'
        "<link>https://old.example/</link></channel></rss>"
    )
    output = import_feed(write(tmp_path, data))
    assert "no entries" in output and "No problems." not in output
