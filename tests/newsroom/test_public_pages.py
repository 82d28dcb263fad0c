"""The pages a journalist bookmarks, as a reader sees them."""

import datetime
import json
import re
import zoneinfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.html import strip_tags

from media.models import MediaContact
from newsroom.models import PressRelease
from tests.factories import (
    ImageFactory,
    MediaContactFactory,
    OrganisationFactory,
    PersonFactory,
    PressReleaseFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db
CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")


def text_of(response) -> str:
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=CPH)


@pytest.fixture
def archive():
    culture, economy = TopicFactory(name="Kultur"), TopicFactory(name="Økonomi")
    museum = OrganisationFactory(name="Museet", short_name="MUS")
    releases = {
        "jan": PressReleaseFactory(title="Januarnyhed", publish_at=at(2024, 1, 15)),
        "feb": PressReleaseFactory(title="Februarnyhed", publish_at=at(2024, 2, 1)),
        "old": PressReleaseFactory(title="Gammel nyhed", publish_at=at(2023, 6, 1)),
        # Just after midnight in Copenhagen on 1 March, still February in UTC.
        "edge": PressReleaseFactory(title="Midnatsnyhed", publish_at=at(2024, 3, 1, 0)),
        "draft": PressReleaseFactory(draft=True, title="Kladdenyhed"),
    }
    releases["jan"].topics.add(culture)
    releases["feb"].topics.add(culture, economy)
    releases["old"].topics.add(economy)
    releases["feb"].organisations.add(museum)
    releases["old"].byline = museum
    releases["old"].save()
    return {"culture": culture, "economy": economy, "museum": museum, **releases}


def titles(response):
    return [release.title for release in response.context["releases"]]


def test_index_filters_by_topic_organisation_and_year(client, archive):
    assert titles(client.get("/")) == [
        "Midnatsnyhed",
        "Februarnyhed",
        "Januarnyhed",
        "Gammel nyhed",
    ]
    assert titles(client.get("/?emne=kultur")) == ["Februarnyhed", "Januarnyhed"]
    assert titles(client.get("/?organisation=mus")) == ["Februarnyhed", "Gammel nyhed"]
    assert titles(client.get("/?aar=2023")) == ["Gammel nyhed"]
    assert titles(client.get("/?emne=oekonomi&aar=2024")) == ["Februarnyhed"]
    # A filter value that does not exist shows the form's error, not a server error.
    response = client.get("/?emne=findes-ikke")
    assert response.status_code == 200
    html = response.content.decode()
    # ... said beside the field the screen reader is pointed to
    assert 'aria-describedby="id_emne_error"' in html and 'id="id_emne_error"' in html


def test_the_filters_show_what_was_chosen(client, archive):
    html = client.get("/?emne=kultur&aar=2023").content.decode()
    assert '<option value="kultur" selected>' in html
    assert '<option value="2023" selected>' in html
    assert '<option value="" selected>Alle organisationer</option>' in html
    assert '<option value="2024">2024</option>' in html


def test_pagination_keeps_the_filters(client, archive):
    for number in range(12):
        release = PressReleaseFactory(title=f"Kulturnyhed {number}")
        release.topics.add(archive["culture"])
    html = client.get("/?emne=kultur").content.decode()
    assert 'href="?emne=kultur&amp;page=2"' in html


def test_archive_by_year_and_month_in_copenhagen_time(client, archive):
    text = text_of(client.get(reverse("newsroom:archive")))
    assert "2024" in text and "2023" in text and "marts" in text.lower()
    assert titles(client.get("/arkiv/2023/")) == ["Gammel nyhed"]
    assert titles(client.get("/arkiv/2024/3/")) == ["Midnatsnyhed"]
    assert titles(client.get("/arkiv/2024/2/")) == ["Februarnyhed"]
    assert client.get("/arkiv/2019/").status_code == 404


def test_release_page_has_previous_next_and_related(client, archive):
    response = client.get(archive["feb"].get_absolute_url())
    html = response.content.decode()
    assert f'rel="prev" href="{archive["jan"].get_absolute_url()}"' in html
    assert f'rel="next" href="{archive["edge"].get_absolute_url()}"' in html
    related = [release.title for release in response.context["related_releases"]]
    assert related == ["Januarnyhed", "Gammel nyhed"]
    assert "Kladdenyhed" not in html


def test_topic_page_lists_its_releases(client, archive):
    response = client.get(archive["culture"].get_absolute_url())
    assert titles(response) == ["Februarnyhed", "Januarnyhed"]
    assert "<h1>Kultur</h1>" in response.content.decode()


def test_media_contacts_page_and_vcard(client, seed_release):
    MediaContactFactory(name="Gammel Kontakt", is_active=False)
    response = client.get(reverse("newsroom:contacts"))
    html = response.content.decode()
    assert "Poul-Louis Larsen" in html and "Gammel Kontakt" not in html
    assert 'href="tel:+4592823887"' in html and 'href="mailto:pbl@los.dk"' in html
    contact = MediaContact.objects.get(person__name="Poul-Louis Larsen")
    vcard = client.get(reverse("newsroom:contact-vcard", args=[contact.pk]))
    assert vcard["Content-Type"] == "text/vcard; charset=utf-8"
    assert vcard["Content-Disposition"] == 'attachment; filename="poul-louis-larsen.vcf"'
    body = vcard.content.decode()
    assert body.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert "FN:Poul-Louis Larsen\r\n" in body
    assert "N:Larsen;Poul-Louis;;;\r\n" in body
    assert "TEL;TYPE=WORK,VOICE:+45 92 82 38 87\r\n" in body
    assert "EMAIL;TYPE=INTERNET,WORK:pbl@los.dk\r\n" in body
    assert "ORG:LOS – Landsorganisationen for sociale tilbud\r\n" in body
    assert body.endswith("END:VCARD\r\n")


def test_press_kit_pages(client, seed_release):
    hidden = ImageFactory(title="Hemmeligt foto", credit="Skjult Fotograf")
    PressReleaseFactory(draft=True, photos=[hidden])
    for url in (
        reverse("newsroom:presskit"),
        reverse("newsroom:release-presskit", args=[seed_release.slug]),
    ):
        html = client.get(url).content.decode()
        assert "Foto: Camilla Hey" in html
        assert "2400 × 1600 px" in html
        assert reverse("newsroom:image-download", args=[seed_release.images.get().pk]) in html
        assert "Skjult Fotograf" not in html
    assert client.get(reverse("newsroom:image-download", args=[hidden.pk])).status_code == 404


def test_search_finds_the_seed_release(client, seed_release):
    response = client.get(reverse("newsroom:search"), {"q": "samskabende"})
    hits = response.context["release_hits"]
    assert [hit.release for hit in hits] == [seed_release]
    assert "<mark>" in str(hits[0].snippet).lower()
    people = client.get(reverse("newsroom:search"), {"q": "Roke Clausen"}).context["people"]
    assert [person.name for person in people] == ["Mads Roke Clausen"]
    organisations = client.get(reverse("newsroom:search"), {"q": "LOS"}).context["organisations"]
    assert "LOS" in [organisation.short_name for organisation in organisations]


def test_search_uses_danish_stemming_on_postgresql(client, seed_release):
    if connection.vendor != "postgresql":
        pytest.skip("full-text search with the danish configuration needs PostgreSQL")
    # The text says "samskabelse" and "brancheorganisation"; neither word is typed as such.
    for query in ("samskabelsen", "brancheorganisationer"):
        hits = client.get(reverse("newsroom:search"), {"q": query}).context["release_hits"]
        assert [hit.release for hit in hits] == [seed_release], query


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "a",
        '"unclosed',
        "-- OR 1=1; DROP TABLE x",
        "&&& ||| !!! ()",
        "x" * 5000,
        "<script>alert(1)</script>",
        "🦄 ÆØÅ",
    ],
)
def test_empty_or_absurd_queries_get_a_helpful_page(client, seed_release, query):
    response = client.get(reverse("newsroom:search"), {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<h1>Søg</h1>" in html


def test_search_leaves_out_unpublished_releases(client, seed_release):
    PressReleaseFactory(draft=True, title="Samskabende kladde")
    PressReleaseFactory(scheduled=True, title="Samskabende plan")
    hits = client.get(reverse("newsroom:search"), {"q": "samskabende"}).context["release_hits"]
    assert [hit.release for hit in hits] == [seed_release]


def test_release_page_sharing_tags_and_json_ld(client, seed_release):
    html = client.get(seed_release.get_absolute_url()).content.decode()
    url = "http://testserver" + seed_release.get_absolute_url()
    assert f'<link rel="canonical" href="{url}">' in html
    assert '<meta property="og:title" content="Ny direktør med fokus på samskabelse">' in html
    assert re.search(
        r'<meta property="og:image" content="http://testserver/media/renditions/', html
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Ny direktør med fokus på samskabelse"
    assert data["datePublished"] == "2021-05-03T09:00:00+02:00"
    assert data["publisher"]["name"] == "Landsorganisationen for sociale tilbud"
    assert data["author"]["@type"] == "Organization"
    assert data["image"][0].startswith("http://testserver/media/photos/")
    assert data["about"][0] == {
        "@type": "Person",
        "name": "Mads Roke Clausen",
        "url": "http://testserver/personer/mads-roke-clausen/",
    }


def test_person_and_organisation_json_ld(client, seed_release):
    from people.models import Person

    html = client.get(Person.objects.get(name="Mads Roke Clausen").get_absolute_url()).content
    data = json.loads(re.search(rb'application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Person" and data["jobTitle"] == "direktør"
    assert data["worksFor"]["name"] == "Landsorganisationen for sociale tilbud"
    html = client.get("/organisationer/los/").content
    data = json.loads(re.search(rb'application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Organization" and data["alternateName"] == "LOS"


def test_sitemap_lists_releases_with_images_and_robots_announces_it(client, seed_release):
    PressReleaseFactory(draft=True, title="Kladde", slug="kladde")
    index = client.get("/sitemap.xml").content.decode()
    assert "<sitemapindex" in index
    assert "<loc>http://testserver/sitemap-releases.xml</loc>" in index
    xml = client.get("/sitemap-releases.xml").content.decode()
    assert f"<loc>http://testserver{seed_release.get_absolute_url()}</loc>" in xml
    assert "<image:loc>http://testserver/media/photos/" in xml
    assert "/kladde/" not in xml
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in robots.content.decode()
    assert "Disallow: /admin/" in robots.content.decode()


def test_404_page_in_the_site_style(client):
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Siden blev ikke fundet" in html
    assert 'action="/soeg/"' in html
    assert '<html lang="da">' in html


def test_500_page_renders_without_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Der opstod en fejl" in html


def test_english_ui_with_danish_dates_in_danish(client, seed_release):
    html = client.get("/en" + seed_release.get_absolute_url()).content.decode()
    # The text is Danish (issue 19.16); the English interface around it is marked English.
    assert '<html lang="da">' in html and '<body lang="en">' in html
    assert "Press releases" in html
    html = client.get(seed_release.get_absolute_url()).content.decode()
    assert "For yderligere oplysninger" in html and "3. maj 2021" in html


def test_people_and_organisations_list_releases_newest_first_paginated(client):
    person = PersonFactory()
    organisation = OrganisationFactory()
    for day in range(1, 13):
        release = PressReleaseFactory(
            title=f"Nyhed {day:02d}", publish_at=at(2024, 1, day), people=[person]
        )
        release.organisations.add(organisation)
    for obj in (person, organisation):
        first_page = titles(client.get(obj.get_absolute_url()))
        assert first_page[0] == "Nyhed 12" and len(first_page) == 10
        assert titles(client.get(obj.get_absolute_url() + "?page=2")) == ["Nyhed 02", "Nyhed 01"]
    assert PressRelease.objects.count() == 12


def test_vcard_values_cannot_add_properties():
    contact = MediaContact(
        name="Ond; Kontakt", title="a,b", phone="+45 12;34\r\nEMAIL:evil@x", email="p@example.org"
    )
    card = contact.as_vcard()
    lines = card.split("\r\n")
    assert not any(line.startswith("EMAIL:evil") for line in lines)
    assert "TEL;TYPE=WORK,VOICE:+45 12\\;34\\nEMAIL:evil@x" in lines
    assert "FN:Ond\\; Kontakt" in lines


def test_search_folds_danish_capitals(client):
    release = PressReleaseFactory(title="Ærø Kommune og Øresund", lead="Om øerne.")
    for query in ("ærø", "ÆRØ", "øresund"):
        hits = client.get(reverse("newsroom:search"), {"q": query}).context["release_hits"]
        assert [hit.release for hit in hits] == [release], query


def test_people_and_organisations_are_found_by_names_starting_with_danish_letters(client):
    # Found by hand: SQLite's case-insensitive match knows A-Z only, so "Østergaard" did not
    # find Karen Østergaard, typed exactly as stored.
    from tests.factories import OrganisationFactory, PersonFactory

    person = PersonFactory(name="Karen Østergaard", is_public=True)
    organisation = OrganisationFactory(name="Ældre Sagen", short_name="ÆS")
    release = PressReleaseFactory()
    release.organisations.add(organisation)
    for query in ("Østergaard", "østergaard", "ØSTERGAARD"):
        context = client.get(reverse("newsroom:search"), {"q": query}).context
        assert list(context["people"]) == [person], query
    for query in ("Ældre", "ældre sagen", "æs"):
        context = client.get(reverse("newsroom:search"), {"q": query}).context
        assert list(context["organisations"]) == [organisation], query


def test_search_finds_danish_letters_typed_as_ae_oe_aa(client):
    """Chromium pass: a journalist without a Danish keyboard types "aagesen" (as the site's own
    addresses spell him) and found nothing."""
    from tests.factories import PersonFactory

    person = PersonFactory(name="Søren Ørbæk Ågesen", is_public=True)
    release = PressReleaseFactory(title="Ågesen går af", lead="Søren Ørbæk Ågesen stopper.")
    for query in ("aagesen", "Soeren Oerbaek Aagesen", "søren aagesen", "Ågesen"):
        context = client.get(reverse("newsroom:search"), {"q": query}).context
        assert [hit.release for hit in context["release_hits"]] == [release], query
        assert list(context["people"]) == [person], query
    # What was typed is still searched as typed.
    michael = PressReleaseFactory(title="Michael Laudrup besøger Ærø")
    hits = client.get(reverse("newsroom:search"), {"q": "michael"}).context["release_hits"]
    assert [hit.release for hit in hits] == [michael]


def test_an_address_with_a_nul_byte_answers_404(client, seed_release):
    assert client.get("/pressemeddelelser/x%00y/").status_code == 404
