"""What the second outside test found (issue 18), each as the reader, feed reader or attacker
met it. SECURITY.md names each promise beside these tests."""

import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.test import Client, override_settings

from common.generation import content_changed
from newsroom.models import PressRelease, Topic
from organisations.models import Organisation
from people.models import Person
from tests.factories import PressReleaseFactory, TopicFactory

pytestmark = pytest.mark.django_db

XML_FEEDS = ["/feeds/rss/", "/feeds/atom/", "/en/feeds/rss/", "/en/feeds/atom/"]


# 4. The request's Host never reaches an absolute link.


def test_sitemaps_take_their_links_from_site_url_not_the_host_asked_for(client, seed_release):
    index = client.get("/sitemap.xml", HTTP_HOST="127.0.0.1:6666")
    assert index.status_code == 200
    body = index.content.decode()
    assert ":6666" not in body and "127.0.0.1" not in body
    sections = [loc.text for loc in ET.fromstring(index.content).iter() if loc.tag.endswith("loc")]
    assert sections and all(url.startswith("http://testserver/sitemap-") for url in sections)
    for section in sections:
        path = section.removeprefix("http://testserver")
        page = client.get(path, HTTP_HOST="127.0.0.1:6666")
        assert page.status_code == 200, path
        assert ":6666" not in page.content.decode(), path


def test_pages_and_feeds_never_print_the_host_asked_for(client, seed_release):
    for url in ["/", seed_release.get_absolute_url(), "/robots.txt", *XML_FEEDS, "/feeds/json/"]:
        response = client.get(url, HTTP_HOST="127.0.0.1:6666")
        assert response.status_code == 200, url
        assert ":6666" not in response.content.decode(), url


# 5. Staff get private answers, feeds included.


def test_feeds_are_private_for_signed_in_staff(publisher_client, seed_release):
    for url in ["/feeds/rss/", "/feeds/atom/", "/feeds/json/"]:
        staff = publisher_client.get(url)
        assert staff.status_code == 200
        assert "private" in staff["Cache-Control"] and "public" not in staff["Cache-Control"]
    anonymous = Client().get("/feeds/rss/")
    assert "public" in anonymous["Cache-Control"]


# 6. A kept part printed from settings is not kept past a change of them.


def test_feed_entries_follow_a_new_site_url(client, seed_release):
    first = feedparser.parse(client.get("/feeds/rss/").content)
    assert first.entries[0].link.startswith("http://testserver/")
    with override_settings(SITE_URL="https://presse.example.dk", ALLOWED_HOSTS=["*"]):
        moved = feedparser.parse(client.get("/feeds/rss/").content)
        page = client.get(seed_release.get_absolute_url()).content.decode()
    [entry] = moved.entries
    assert entry.link == "https://presse.example.dk" + seed_release.get_absolute_url()
    assert "http://testserver" not in page


# 8. Control characters never reach the stored text, and never break a feed.


def test_control_and_invisible_characters_are_taken_out_on_save(db):
    release = PressReleaseFactory(
        title="Ny\u202e direktør\u200b i LOS\x02",
        lead="Indledning\x02 med styretegn\x0b.",
        body="<p>Brød\x02tekst\x1f&#2;</p>",
    )
    release.refresh_from_db()
    assert release.title == "Ny direktør i LOS"
    assert release.lead == "Indledning med styretegn."
    assert "\x02" not in release.body and "\x1f" not in release.body
    topic = TopicFactory(name="Ældre\x02pleje\u2066")
    person = Person.objects.create(name="Mads\x07 Roke\u200d Clausen", slug="mads-rc")
    organisation = Organisation.objects.create(name="LOS\x00", slug="los-x")
    assert Topic.objects.get(pk=topic.pk).name == "Ældrepleje"
    assert Person.objects.get(pk=person.pk).name == "Mads Roke Clausen"
    assert Organisation.objects.get(pk=organisation.pk).name == "LOS"


def test_text_stored_with_control_characters_does_not_break_the_feeds(client, seed_release):
    # Written past the models (an old row, a bulk load): the feeds must still answer.
    PressRelease.objects.filter(pk=seed_release.pk).update(
        lead="Ledet\x02 tekst", body="<p>Brød\x02tekst\x03 og \x1b mere</p>", title="Titel\x08"
    )
    content_changed()
    for url in XML_FEEDS:
        response = client.get(url)
        assert response.status_code == 200, url
        feed = feedparser.parse(response.content)
        assert not feed.bozo, (url, feed.get("bozo_exception"))
        assert feed.entries[0].title == "Titel", url


# 9. Search marks only what it found.


def test_typed_markers_never_become_highlights(client, db):
    release = PressReleaseFactory(title="Samskabelse i LOS", lead="Om samskabelse.")
    PressRelease.objects.filter(pk=release.pk).update(
        body="<p>\x02farlig\x03 tekst om samskabelse og &#2;mere&#3;</p>",
        lead="\x02Ond\x03 indledning om samskabelse.",
    )
    response = client.get("/soeg/", {"q": "samskabelse"})
    html = response.content.decode()
    assert "samskabelse" in html.lower()
    assert "<mark>farlig</mark>" not in html and "<mark>Ond</mark>" not in html
    assert "<mark>mere</mark>" not in html
    assert "<mark>" in html  # the word searched for is still marked


# 10. RSS categories and creators are text, as titles are.


def test_rss_category_and_creator_carry_no_markup(client, db):
    topic = TopicFactory(name="<svg onload=alert(1)>")
    byline = Organisation.objects.create(name="<b>Fed</b> forening", slug="fed-forening")
    release = PressReleaseFactory(byline=byline)
    release.topics.add(topic)
    response = client.get("/feeds/rss/")
    channel = ET.fromstring(response.content).find("channel")
    item = channel.find("item")
    categories = [category.text for category in item.findall("category")]
    assert categories == ["&lt;svg onload=alert(1)&gt;"]
    creator = item.find("{http://purl.org/dc/elements/1.1/}creator")
    assert creator is not None and creator.text == "&lt;b&gt;Fed&lt;/b&gt; forening"
    assert not feedparser.parse(response.content).bozo


# 3. A query parameter a page does not read makes no new copy and is not printed.


def _kept_pages():
    from django.core.cache import caches

    return [key for key in caches["default"]._cache if "newsroom-page." in key]


def test_random_query_strings_add_no_cache_entries(client, seed_release):
    for url in ["/feeds/rss/", "/", seed_release.get_absolute_url(), "/api/v1/releases/"]:
        assert client.get(url).status_code == 200
        kept = len(_kept_pages())
        for number in range(5):
            response = client.get(url, {"r": f"tilfaeldig{number}", "utm_source": "x"})
            assert response.status_code == 200, url
            assert "tilfaeldig" not in response.content.decode(), url
        assert len(_kept_pages()) == kept, url


def test_the_parameters_a_page_reads_still_make_their_own_page(client, seed_release):
    topic = seed_release.topics.first()
    other = PressReleaseFactory(title="En helt anden nyhed")
    everything = client.get("/").content.decode()
    assert other.title in everything
    filtered = client.get("/", {"emne": topic.slug, "x": "1"}).content.decode()
    assert other.title not in filtered and seed_release.title in filtered
    english = client.get("/en/soeg/", {"q": "samskabelse", "junk": "1"}).content.decode()
    assert seed_release.title in english
    assert "junk" not in english
    nothing = client.get("/en/soeg/", {"q": "zzzyyyxxx"}).content.decode()
    assert seed_release.title not in nothing


def test_the_apis_next_link_keeps_only_what_it_reads(client, db):
    for _number in range(21):
        PressReleaseFactory()
    data = client.get("/api/v1/releases/", {"r": "tilfaeldig", "page": "1"}).json()
    assert data["next"] == "http://testserver/api/v1/releases/?page=2"


def test_a_pdf_is_rendered_once_per_version_and_kept(client, seed_release, monkeypatch):
    from newsroom import pdf

    rendered = []
    real = pdf.release_pdf
    monkeypatch.setattr(pdf, "release_pdf", lambda release: rendered.append(1) or real(release))
    url = f"{seed_release.get_absolute_url()}pdf/"
    for number in range(4):
        response = client.get(url, {"x": f"{number}"})
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")
    assert len(rendered) == 1
    seed_release.lead = "En ny indledning."
    seed_release.save()
    assert client.get(url).status_code == 200
    assert len(rendered) == 2


def test_a_withdrawn_releases_pdf_is_gone(client, seed_release, publisher):
    from newsroom.services import release_unpublish

    url = f"{seed_release.get_absolute_url()}pdf/"
    assert client.get(url).status_code == 200
    release_unpublish(release=seed_release, user=publisher)
    assert client.get(url).status_code == 410


# 1. Files of releases the public may not see are not served.


def _files_of(image):
    return [image.public_url, *(rendition.file.url for rendition in image.renditions.all())]


def test_a_withdrawn_releases_photo_and_renditions_are_not_served(client, seed_release, publisher):
    from newsroom.services import release_unpublish

    image = seed_release.lead_image
    urls = _files_of(image)
    assert len(urls) > 2
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "public" in response["Cache-Control"]
    release_unpublish(release=seed_release, user=publisher)
    for url in urls:
        assert Client().get(url).status_code == 404, url


def test_a_drafts_photos_are_for_staff_only(client, publisher_client):
    from tests.factories import ImageFactory

    image = ImageFactory()
    PressReleaseFactory(draft=True, photos=[image])
    for url in _files_of(image):
        assert Client().get(url).status_code == 404, url
        staff = publisher_client.get(url)
        assert staff.status_code == 200, url
        assert "private" in staff["Cache-Control"]


def test_a_photo_in_a_body_is_served_while_its_release_is_public(db):
    from tests.factories import ImageFactory

    image = ImageFactory()
    rendition = image.renditions.first()
    release = PressReleaseFactory(
        draft=True, body=f'<p>Tekst</p><p><img src="{rendition.file.url}" alt="Et foto"></p>'
    )
    assert Client().get(rendition.file.url).status_code == 404
    release.status = PressRelease.Status.PUBLISHED
    release.publish_at = release.created_at
    release.save()
    assert Client().get(rendition.file.url).status_code == 200


def test_a_revoked_preview_links_renditions_are_not_served(publisher):
    from newsroom.services import preview_link_issue, preview_link_revoke
    from tests.factories import ImageFactory

    image = ImageFactory()
    release = PressReleaseFactory(scheduled=True, photos=[image])
    release.status = PressRelease.Status.EMBARGOED
    release.save()
    url = image.renditions.first().file.url
    assert Client().get(url).status_code == 404
    link, _address = preview_link_issue(
        release=release, user=publisher, name="Jens", email="jens@example.dk", outlet="Avisen"
    )
    assert Client().get(url).status_code == 200
    preview_link_revoke(link=link, user=publisher)
    assert Client().get(url).status_code == 404


def test_uploads_as_they_came_and_documents_are_never_served_by_address(client, settings):
    from pathlib import Path

    for folder in ("images", "documents"):
        (Path(settings.MEDIA_ROOT) / folder).mkdir(exist_ok=True)
        (Path(settings.MEDIA_ROOT) / folder / "kept.jpg").write_bytes(b"\xff\xd8 not public")
        assert client.get(f"/media/{folder}/kept.jpg").status_code == 404


def test_behind_nginx_the_app_only_checks_and_nginx_sends_the_file(client, seed_release, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    image = seed_release.lead_image
    response = client.get(image.public_url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{image.master.name}"
    assert response.content == b""
    assert response["Content-Type"] == "image/jpeg"
